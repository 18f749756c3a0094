import {formatAddress, parseAddress, parseSubnet, type Subnet} from '../../core/net/cidr.js'
import type {LabSystemController} from '../lab-config.js'
import type {LabStore} from '../lab-store.js'
import type {FormPart} from '../http/multipart.js'
import {
  splitList,
  validateAddressStr,
  validateNetworkStr,
  type ParsedAddress,
  type ParsedSubnet,
} from './subnet-checks.js'
import {WebobError} from '../http/webob-error.js'

/**
 * The server side of `POST /v1.0/subclouds` (dcmanager-api.md §4, bootstrap-overrides.md 8.1): every check in
 * upstream's evaluation order, the first failure wins, with upstream's message and status code. Nothing is
 * stored unless all pass. The client (dcm subcloud add) runs its own, richer checks before sending; these
 * are what a real System Controller would still refuse.
 */
export interface AddContext {
  store: LabStore
  systemController: LabSystemController
  /** Releases the lab can deploy (`release` must be one of them). */
  releases: string[]
}

export interface ValidatedAdd {
  name: string
  description: string | null
  location: string | null
  systemMode: string
  softwareVersion: string
  /** Primary (admin network if given, else management) values, addresses compacted. */
  managementSubnet: string
  managementStartIp: string
  managementEndIp: string
  managementGatewayIp: string
  managementSubnets: string[]
  managementRanges: Array<{start: string; end: string}>
  systemcontrollerGatewayIp: string
  oamFloatingAddress: string
  bootstrapAddress: string
  /** The bootstrap-values file as sent; kept in memory for the deployer only (it may hold registry secrets). */
  bootstrapValues: string
  /** Decoded; memory only. Empty for a secondary subcloud. */
  sysadminPassword: string
  /** Install values without the BMC password, as a JSON string for `data_install`. */
  dataInstall: string | null
  groupId: number
  migrate: boolean
  secondary: boolean
  hasDeployConfig: boolean
}

const bad = (detail: string): WebobError => new WebobError(400, detail)

const BOOLEAN_FIELDS = ['migrate', 'enroll', 'on_site', 'secondary'] as const
const FILE_FIELDS = new Set(['bootstrap_values', 'install_values', 'deploy_config', 'cloud_init_config'])

export async function validateSubcloudAdd(parts: Map<string, FormPart>, context: AddContext): Promise<ValidatedAdd> {
  // 4.1.2 YAML loading.
  const bootstrap = await loadYamlPart(parts.get('bootstrap_values'), 'bootstrap_values')
  const install = await loadYamlPart(parts.get('install_values'), 'install_values')
  const payload: Record<string, unknown> = {...(bootstrap ?? {})}
  for (const [name, part] of parts) {
    if (!FILE_FIELDS.has(name)) payload[name] = part.data.toString('utf8')
  }
  const form = (name: string): string | undefined => {
    const part = parts.get(name)
    return part && !FILE_FIELDS.has(name) ? part.data.toString('utf8') : undefined
  }

  // 4.1.3 booleans and their combinations.
  const flags: Record<string, boolean> = {}
  for (const field of BOOLEAN_FIELDS) {
    const value = form(field)
    if (value === undefined) {
      flags[field] = false
      continue
    }
    if (!['true', 'false'].includes(value.toLowerCase())) {
      throw bad(`Invalid boolean string: ${value}. Valid options are true and false.`)
    }
    flags[field] = value.toLowerCase() === 'true'
  }
  const deployConfig = parts.get('deploy_config')
  if (flags.migrate && flags.enroll) throw bad('migrate with enroll is not allowed')
  if (flags.migrate && deployConfig) throw bad('migrate with deploy-config is not allowed')
  if (flags.secondary && deployConfig) throw bad('secondary with deploy-config is not allowed')
  if (flags.secondary && flags.migrate) throw bad('secondary with migrate is not allowed')

  // 4.1.4
  if (flags.migrate && form('name') !== undefined && form('name') !== asText(bootstrap?.name)) {
    throw bad('subcloud name does not match the name defined in bootstrap file')
  }

  // 4.2 password (memory only from here on).
  let sysadminPassword = ''
  if (!flags.secondary) sysadminPassword = decodePassword(form('sysadmin_password'), 'sysadmin')

  // 4.3 required bootstrap keys.
  const meaningful = Object.keys(payload).filter(
    (key) => !['sysadmin_password', 'bmc_password'].includes(key) && present(payload[key]),
  )
  if (meaningful.length === 0) throw bad('Body required')
  if (!present(payload.name)) throw bad('name required')
  if (!present(payload.system_mode)) throw bad('system_mode required')
  const simplex = payload.system_mode === 'simplex'
  checkNetworkKeys(payload, 'admin', simplex)
  checkNetworkKeys(payload, 'management', simplex)
  for (const key of [
    'systemcontroller_gateway_address',
    'external_oam_subnet',
    'external_oam_gateway_address',
    'external_oam_floating_address',
  ]) {
    if (!present(payload[key])) throw bad(`${key} required`)
  }

  const name = asText(payload.name)
  const softwareVersion = checkRelease(form('release'), context)
  if (context.store.subcloudByName(name)) throw new WebobError(409, `Subcloud with name=${name} already exists`)

  // 4.4 validate_subcloud_config.
  if (/^\d+$/.test(name)) throw bad('name must contain alphabetic characters')
  if (name === 'SystemController' || name === context.systemController.regionOneName) {
    throw bad(`name cannot be ${context.systemController.regionOneName} or SystemController`)
  }
  const minimumSubnet = simplex ? 4 : 8
  const minimumRange = simplex ? 1 : 3
  const others = context.store.subclouds

  const management = checkPool(payload, 'management', minimumSubnet, minimumRange, others)
  const hasAdminGateway = present(payload.admin_gateway_address)
  let managementGateway: ParsedAddress[] = []
  if (!hasAdminGateway) {
    managementGateway = expectAddress(
      payload.management_gateway_address,
      management.subnets,
      'management_gateway_address',
    )
  }
  const hasAdmin = ['admin_subnet', 'admin_start_address', 'admin_end_address', 'admin_gateway_address'].some((key) =>
    present(payload[key]),
  )
  let admin: Pool | undefined
  let adminGateway: ParsedAddress[] = []
  if (hasAdmin) {
    admin = checkPool(payload, 'admin', minimumSubnet, minimumRange, others)
    adminGateway = expectAddress(payload.admin_gateway_address, admin.subnets, 'admin_gateway_address')
    const inside = gatewayInPool(adminGateway, admin)
    if (inside) throw bad(`admin_gateway_address invalid, is within admin pool: ${inside.start} - ${inside.end}`)
  }
  const gatewayPool = admin ?? management
  const gateway = hasAdminGateway ? adminGateway : managementGateway
  const inPool = gatewayInPool(gateway, gatewayPool)
  if (inPool) {
    const kind = hasAdminGateway ? 'admin' : 'management'
    throw bad(`${kind}_gateway_address invalid, is within management pool: ${inPool.start} - ${inPool.end}`)
  }

  const scGatewayText = splitList(payload.systemcontroller_gateway_address)[0] ?? ''
  const scGateway = parseAddress(scGatewayText)
  if (!scGateway) {
    throw bad(`systemcontroller_gateway_address invalid: failed to detect a valid IP address from '${scGatewayText}'`)
  }
  const primaryKey = admin ? 'admin_subnet' : 'management_subnet'
  const primarySubnetText = splitList(payload[primaryKey])[0] ?? ''
  const primarySubnet = parseSubnet(primarySubnetText)
  if (!primarySubnet) throw bad(`${primaryKey} invalid: invalid IPNetwork ${primarySubnetText}`)
  if (scGateway.family !== primarySubnet.family) {
    throw bad(`systemcontroller_gateway_address invalid: Expected IPv${primarySubnet.family}`)
  }
  const scNetwork = context.systemController.managementNetworks.find(
    (network) => parseSubnet(network.subnet)?.family === scGateway.family,
  )
  if (!scNetwork) {
    const pools = context.systemController.managementNetworks.map((network) => `'${network.subnet}'`).join(', ')
    throw bad(
      `systemcontroller_gateway_address IP family is not aligned with system controller management: IPv${scGateway.family} pool not found in pools [${pools}]`,
    )
  }
  const scSubnet = parseSubnet(scNetwork.subnet)!
  expectAddress(scGatewayText, [{...scSubnet, typed: scNetwork.subnet}], 'systemcontroller_gateway_address')
  const poolStart = parseAddress(scNetwork.poolStart)
  const poolEnd = parseAddress(scNetwork.poolEnd)
  if (poolStart && poolEnd && scGateway.value >= poolStart.value && scGateway.value <= poolEnd.value) {
    throw bad(
      `systemcontroller_gateway_address invalid, is within management pool: ${scNetwork.poolStart} - ${scNetwork.poolEnd}`,
    )
  }

  const existingSubnets = others.flatMap((record) =>
    record.managementSubnets.map((text) => parseSubnet(text)).filter((subnet): subnet is Subnet => !!subnet),
  )
  const oam = validateNetworkStr(payload.external_oam_subnet, 3, existingSubnets)
  if (!oam.ok) throw bad(`external_oam_subnet invalid: ${oam.reason}`)
  expectAddress(payload.external_oam_gateway_address, oam.value, 'oam_gateway_address')
  const oamFloating = expectAddress(payload.external_oam_floating_address, oam.value, 'oam_floating_address')

  const groupText = form('group_id') ?? '1'
  const group = /^\d+$/.test(groupText) ? context.store.groups.find((item) => item.id === Number(groupText)) : undefined
  if (!group) throw bad('Invalid group_id')

  // 4.5 install values.
  const bootstrapAddress = form('bootstrap-address') ?? asText(payload.bootstrap_address)
  let dataInstall: string | null = null
  if (install) {
    dataInstall = validateInstallValues(install, {
      onSite: flags.on_site,
      bmcPassword: form('bmc_password'),
      bootstrapAddress,
      softwareVersion,
      oamFamily: oam.value[0].family,
    })
  }

  // 4.6 the remaining add steps.
  if (!flags.enroll && parts.has('cloud_init_config')) throw bad('cloud_init_config is not allowed with enroll=false')
  if (!flags.enroll && form('on_site') !== undefined && flags.on_site) {
    throw bad('on_site is not allowed with enroll=false')
  }
  if (flags.enroll) {
    if (!install) throw bad('Install values is necessary for subcloud enrollment')
    throw new WebobError(422, 'Subcloud enrollment is not supported by the dcm lab System Controller')
  }
  if (deployConfig) {
    if (!deployConfig.filename) throw bad('No deploy_config file uploaded')
    // The lab has no `subcloud deploy upload` store: a real System Controller without uploaded files says this.
    throw bad('Missing required deploy files: deploy_playbook, deploy_chart')
  }
  if (!flags.secondary && !parseAddress(bootstrapAddress)) {
    throw bad(`bootstrap-address invalid: failed to detect a valid IP address from '${bootstrapAddress}'`)
  }

  const primary = admin ?? management
  const primaryGateway = hasAdminGateway ? adminGateway : managementGateway
  return {
    name,
    description: present(payload.description) ? asText(payload.description) : null,
    location: present(payload.location) ? asText(payload.location) : null,
    systemMode: asText(payload.system_mode),
    softwareVersion,
    managementSubnet: primary.subnets[0].text,
    managementStartIp: primary.starts[0].text,
    managementEndIp: primary.ends[0].text,
    managementGatewayIp: primaryGateway[0]?.text ?? '',
    managementSubnets: [...management.subnets, ...(admin?.subnets ?? [])].map((subnet) => subnet.text),
    managementRanges: [...management.starts.keys()].map((index) => ({
      start: management.starts[index].text,
      end: management.ends[index].text,
    })),
    systemcontrollerGatewayIp: formatAddress(scGateway.family, scGateway.value),
    oamFloatingAddress: oamFloating[0].text,
    bootstrapAddress: parseAddress(bootstrapAddress) ? compact(bootstrapAddress) : bootstrapAddress,
    bootstrapValues: parts.get('bootstrap_values')?.data.toString('utf8') ?? '',
    sysadminPassword,
    dataInstall,
    groupId: group.id,
    migrate: flags.migrate,
    secondary: flags.secondary,
    hasDeployConfig: false,
  }
}

interface Pool {
  subnets: ParsedSubnet[]
  starts: ParsedAddress[]
  ends: ParsedAddress[]
}

function checkPool(
  payload: Record<string, unknown>,
  kind: 'management' | 'admin',
  minimumSubnet: number,
  minimumRange: number,
  others: AddContext['store']['subclouds'],
): Pool {
  const subnets = validateNetworkStr(payload[`${kind}_subnet`], minimumSubnet)
  if (!subnets.ok) throw bad(`${kind}_subnet invalid: ${subnets.reason}`)
  const starts = expectAddress(payload[`${kind}_start_address`], subnets.value, `${kind}_start_address`)
  const ends = expectAddress(payload[`${kind}_end_address`], subnets.value, `${kind}_end_address`)
  const label = kind === 'management' ? 'Management' : 'Admin'
  for (const [index, start] of starts.entries()) {
    const end = ends[index]
    if (start.value > end.value) throw bad(`${kind}_start_address greater than ${kind}_end_address`)
    if (end.value - start.value + 1n < BigInt(minimumRange)) {
      throw bad(`${kind} address range must contain at least ${minimumRange} addresses`)
    }
    for (const other of others) {
      for (const range of other.managementRanges) {
        const otherStart = parseAddress(range.start)
        const otherEnd = parseAddress(range.end)
        if (!otherStart || !otherEnd || otherStart.family !== start.family) continue
        if (start.value <= otherEnd.value && otherStart.value <= end.value) {
          throw bad(`${label} address range overlaps with that of subcloud ${other.name}`)
        }
      }
    }
  }
  return {subnets: subnets.value, starts, ends}
}

function gatewayInPool(gateway: ParsedAddress[], pool: Pool): {start: string; end: string} | undefined {
  for (const address of gateway) {
    const index = pool.starts.findIndex((start) => start.family === address.family)
    if (index < 0) continue
    if (address.value >= pool.starts[index].value && address.value <= pool.ends[index].value) {
      return {start: pool.starts[index].text, end: pool.ends[index].text}
    }
  }
  return undefined
}

function expectAddress(value: unknown, networks: ParsedSubnet[], key: string): ParsedAddress[] {
  const result = validateAddressStr(value, networks)
  if (!result.ok) throw bad(`${key} invalid: ${result.reason}`)
  return result.value
}

/** §4.3 items 2-3: the floating shortcut of simplex, then all-or-nothing for the network keys. */
function checkNetworkKeys(payload: Record<string, unknown>, kind: 'admin' | 'management', simplex: boolean): void {
  const floating = payload[`${kind}_floating_address`]
  if (
    simplex &&
    present(floating) &&
    !present(payload[`${kind}_start_address`]) &&
    !present(payload[`${kind}_end_address`])
  ) {
    payload[`${kind}_start_address`] = floating
    payload[`${kind}_end_address`] = floating
  }
  if (present(floating) && asText(floating) !== asText(payload[`${kind}_start_address`])) {
    throw bad(`${kind}_floating_address does not match ${kind}_start_address`)
  }
  const keys = [`${kind}_subnet`, `${kind}_start_address`, `${kind}_end_address`, `${kind}_gateway_address`]
  if (!keys.some((key) => present(payload[key]))) return
  for (const key of keys.slice(0, 3)) if (!present(payload[key])) throw bad(`${key} required`)
  if (kind === 'admin') {
    if (!present(payload.admin_gateway_address)) throw bad('admin_gateway_address required')
    return
  }
  if (present(payload.admin_gateway_address) && present(payload.management_gateway_address)) {
    throw bad('admin_gateway_address and management_gateway_address cannot be specified at the same time')
  }
  if (!present(payload.admin_gateway_address) && !present(payload.management_gateway_address)) {
    throw bad('management_gateway_address required')
  }
}

function checkRelease(release: string | undefined, context: AddContext): string {
  if (release === undefined || release === '') return context.systemController.softwareVersion
  if (!/^\d\d\.\d\d$/.test(release)) {
    throw bad(`Error: invalid release version parameter. Release ${release} is not in the YY.MM format.`)
  }
  if (!context.releases.includes(release)) {
    throw bad(
      `Error: invalid release version parameter. Release ${release} is not available on this System Controller (available: ${context.releases.join(', ')}).`,
    )
  }
  return release
}

/** Base64 of UTF-8 text, as the python client sends passwords; anything else is refused (§4.2). */
export function decodePassword(value: string | undefined, kind: 'sysadmin' | 'bmc'): string {
  if (value === undefined || value === '') throw bad(`subcloud ${kind}_password required`)
  const failure = bad(`Failed to decode subcloud ${kind}_password, verify the password is base64 encoded`)
  const compacted = value.replace(/\s+/g, '')
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compacted) || compacted.length % 4 !== 0) throw failure
  try {
    return new TextDecoder('utf-8', {fatal: true}).decode(Buffer.from(compacted, 'base64'))
  } catch {
    throw failure
  }
}

async function loadYamlPart(part: FormPart | undefined, field: string): Promise<Record<string, unknown> | undefined> {
  if (!part) return undefined
  const text = part.data.toString('utf8')
  if (text.trim() === '') throw bad(`Error: Unable to load ${field} file contents (empty file provided).`)
  const {parse, YAMLParseError} = await import('yaml')
  let value: unknown
  try {
    value = parse(text)
  } catch (error) {
    if (error instanceof YAMLParseError && error.linePos) {
      throw bad(`Error: Unable to load ${field} file contents (problem on line: ${error.linePos[0].line}).`)
    }
    throw bad(`Error: Unable to load ${field} file contents (please see logs for more details).`)
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw bad(`Error: Unable to load ${field} file contents (please see logs for more details).`)
  }
  return value as Record<string, unknown>
}

interface InstallContext {
  onSite: boolean
  bmcPassword: string | undefined
  bootstrapAddress: string
  softwareVersion: string
  oamFamily: 4 | 6
}

const MANDATORY_INSTALL_KEYS = [
  'bootstrap_interface',
  'bootstrap_address',
  'bootstrap_address_prefix',
  'install_type',
  'bmc_username',
  'bmc_address',
  'bmc_password',
]

/** §4.5, in order. Returns `data_install` without the BMC password (the lab writes no secrets). */
function validateInstallValues(values: Record<string, unknown>, context: InstallContext): string {
  if (!context.onSite) decodePassword(context.bmcPassword, 'bmc')
  const install: Record<string, unknown> = {...values}
  if (present(install.software_version) && asText(install.software_version) !== context.softwareVersion) {
    throw bad(
      `The software_version value ${asText(install.software_version)} in the install values yaml file does not match with the specified/current software version of ${context.softwareVersion}. Please correct or remove this parameter from the yaml file and try again.`,
    )
  }
  install.software_version = context.softwareVersion
  if (install.persistent_size !== undefined) {
    if (!Number.isInteger(install.persistent_size)) {
      throw bad('The install value persistent_size (in MB) must be a whole number greater than or equal to 30000')
    }
    if ((install.persistent_size as number) < 30000) {
      throw bad(`persistent_size of ${install.persistent_size} MB is less than 30000`)
    }
  }
  if (install.hw_settle !== undefined) {
    if (!Number.isInteger(install.hw_settle)) {
      throw bad('The install value hw_settle (in seconds) must be a whole number greater than or equal to 0')
    }
    if ((install.hw_settle as number) < 0) throw bad(`hw_settle of ${install.hw_settle} seconds is less than 0`)
  }
  if ('extra_boot_params' in install && !present(install.extra_boot_params)) {
    throw bad('The install value extra_boot_params must not be empty.')
  }
  // The BMC password comes from the form, not the file; upstream copies it in before this check.
  const withPassword: Record<string, unknown> = {...install, bmc_password: context.bmcPassword ?? install.bmc_password}
  if (!present(withPassword.bootstrap_address) && present(context.bootstrapAddress)) {
    withPassword.bootstrap_address = context.bootstrapAddress
    install.bootstrap_address = context.bootstrapAddress
  }
  const mandatory = context.onSite ? ['bootstrap_interface'] : MANDATORY_INSTALL_KEYS
  for (const key of mandatory) {
    if (!present(withPassword[key])) throw bad(`Mandatory install value ${key} not present`)
  }
  const installType = Number(install.install_type)
  if (install.install_type !== undefined && !(Number.isInteger(installType) && installType >= 0 && installType <= 5)) {
    throw bad(`install_type invalid: ${asText(install.install_type)}`)
  }
  if (!present(install.bootstrap_address)) throw bad('bootstrap_address required')
  const addresses: Record<string, {family: 4 | 6; value: bigint}> = {}
  for (const key of ['bootstrap_address', 'bmc_address', 'nexthop_gateway']) {
    if (!present(install[key])) continue
    const parsed = parseAddress(asText(install[key]))
    if (!parsed) throw bad(`${key} invalid: failed to detect a valid IP address from '${asText(install[key])}'`)
    addresses[key] = parsed
  }
  const bootstrapFamily = addresses.bootstrap_address.family
  if (addresses.bmc_address && addresses.bmc_address.family !== bootstrapFamily) {
    throw bad('bmc_address and bootstrap_address must be the same IP version')
  }
  if (addresses.bmc_address && addresses.bmc_address.family !== context.oamFamily) {
    throw bad('bmc_address and primary OAM network must be the same IP version')
  }
  if (addresses.nexthop_gateway && addresses.nexthop_gateway.family !== bootstrapFamily) {
    throw bad('nexthop_gateway and bootstrap_address must be the same IP version')
  }
  if (present(install.network_address)) {
    if (!present(install.nexthop_gateway)) throw bad('nexthop_gateway is required when network_address is present')
    if (!present(install.network_mask)) throw bad('The network mask is required when network address is present')
    const network = parseSubnet(`${asText(install.network_address)}/${asText(install.network_mask)}`)
    if (!network) throw bad(`network address invalid: invalid IPNetwork ${asText(install.network_address)}`)
    if (network.family !== bootstrapFamily) {
      throw bad('network address and bootstrap address must be the same IP version')
    }
  }
  const dad = install['rd.net.timeout.ipv6dad']
  if (dad !== undefined) {
    const seconds = Number(dad)
    if (!Number.isInteger(seconds)) throw bad(`rd.net.timeout.ipv6dad invalid: ${asText(dad)}`)
    if (seconds <= 0) throw bad(`rd.net.timeout.ipv6dad must be greater than 0: ${seconds}`)
  }
  if (install.rvmc_debug_level !== undefined) {
    const level = Number(install.rvmc_debug_level)
    if (!Number.isInteger(level) || level < 0 || level > 4) {
      throw bad('rvmc_debug_level must be an integer between 0 and 4.')
    }
  }
  delete install.bmc_password
  return JSON.stringify(install)
}

function present(value: unknown): boolean {
  return value !== undefined && value !== null && String(value).trim() !== ''
}

function asText(value: unknown): string {
  return value === undefined || value === null ? '' : String(value).trim()
}

function compact(text: string): string {
  const parsed = parseAddress(text)
  return parsed ? formatAddress(parsed.family, parsed.value) : text
}
