import {formatAddress, parseAddress} from '../../core/net/cidr.js'
import type {FormPart} from '../http/multipart.js'
import {WebobError} from '../http/webob-error.js'
import {validateSubcloudConfig} from './subcloud-add-config.js'
import {type AddContext, asText, bad, compact, decodePassword, present} from './subcloud-add-fields.js'
import {validateInstallValues} from './subcloud-add-install.js'
import {newSubcloudRecord, type SubcloudRecord} from './subcloud-model.js'

/**
 * The server side of `POST /v1.0/subclouds` (dcmanager-api.md §4, bootstrap-overrides.md 8.1): every check in
 * upstream's evaluation order, the first failure wins, with upstream's message and status code. Nothing is
 * stored unless all pass. The client (dcm subcloud add) runs its own, richer checks before sending; these
 * are what a real System Controller would still refuse.
 *
 * One function per upstream stage, called in order by `validateSubcloudAdd`: 4.1 the request (YAML files,
 * booleans), 4.2 the password, 4.3 required keys, 4.4 validate_subcloud_config (subcloud-add-config.ts),
 * 4.5 install values (subcloud-add-install.ts), 4.6 the remaining add steps.
 */
export type {AddContext} from './subcloud-add-fields.js'

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
  deployConfigName?: string
  /** `add --enroll`: the subcloud is enrolled after its create (subcloud-lifecycle.md §3.3). */
  enroll: boolean
}

const BOOLEAN_FIELDS = ['migrate', 'enroll', 'on_site', 'secondary'] as const
const FILE_FIELDS = new Set(['bootstrap_values', 'install_values', 'deploy_config', 'cloud_init_config'])

/** The request as the stages read it: the YAML files, the merged payload, and the plain form fields. */
interface AddRequest {
  parts: Map<string, FormPart>
  bootstrap: Record<string, unknown> | undefined
  install: Record<string, unknown> | undefined
  /** The bootstrap values with the form fields on top. */
  payload: Record<string, unknown>
  /** A form field that is not a file. */
  form: (name: string) => string | undefined
}

type AddFlags = Record<(typeof BOOLEAN_FIELDS)[number], boolean>

/** The new subcloud's record as an add (`POST /subclouds`, `/phased-subcloud-deploy`) stores it. */
export function recordFromAdd(id: number, valid: ValidatedAdd, deployStatus?: string): SubcloudRecord {
  const record = newSubcloudRecord({
    id,
    name: valid.name,
    description: valid.description,
    location: valid.location,
    softwareVersion: valid.softwareVersion,
    ...(deployStatus ? {deployStatus} : {}),
    managementSubnet: valid.managementSubnet,
    managementStartIp: valid.managementStartIp,
    managementEndIp: valid.managementEndIp,
    managementGatewayIp: valid.managementGatewayIp,
    systemcontrollerGatewayIp: valid.systemcontrollerGatewayIp,
    groupId: valid.groupId,
    bootstrapAddress: valid.bootstrapAddress,
    oamFloatingAddress: valid.oamFloatingAddress,
    managementSubnets: valid.managementSubnets,
    managementRanges: valid.managementRanges,
    dataInstall: valid.dataInstall,
    hasDeployConfig: valid.hasDeployConfig,
  })
  if (valid.deployConfigName) record.deployConfigName = valid.deployConfigName
  return record
}

export async function validateSubcloudAdd(parts: Map<string, FormPart>, context: AddContext): Promise<ValidatedAdd> {
  const request = await readAddRequest(parts)
  const flags = checkFlags(request)
  // `deploy create` sends no sysadmin password (subcloud-lifecycle.md §2.2).
  const sysadminPassword =
    flags.secondary || context.withoutPassword ? '' : decodePassword(request.form('sysadmin_password'), 'sysadmin')
  const {name, simplex, softwareVersion} = checkRequiredKeys(request, context)
  const config = validateSubcloudConfig(request.payload, request.form, name, simplex, context)
  const bootstrapAddress = request.form('bootstrap-address') ?? asText(request.payload.bootstrap_address)
  const dataInstall = request.install
    ? validateInstallValues(request.install, {
        onSite: flags.on_site,
        bmcPassword: request.form('bmc_password'),
        bootstrapAddress,
        softwareVersion,
        oamFamily: config.oamFamily,
      })
    : null
  const hasDeployConfig = checkAddSteps(request, flags, bootstrapAddress, softwareVersion, context)

  const {payload} = request
  const {management, admin} = config
  const primary = admin ?? management
  return {
    name,
    description: present(payload.description) ? asText(payload.description) : null,
    location: present(payload.location) ? asText(payload.location) : null,
    systemMode: asText(payload.system_mode),
    softwareVersion,
    managementSubnet: primary.subnets[0].text,
    managementStartIp: primary.starts[0].text,
    managementEndIp: primary.ends[0].text,
    managementGatewayIp: config.primaryGateway[0]?.text ?? '',
    managementSubnets: [...management.subnets, ...(admin?.subnets ?? [])].map((subnet) => subnet.text),
    managementRanges: [...management.starts.keys()].map((index) => ({
      start: management.starts[index].text,
      end: management.ends[index].text,
    })),
    systemcontrollerGatewayIp: formatAddress(config.scGateway.family, config.scGateway.value),
    oamFloatingAddress: config.oamFloating[0].text,
    bootstrapAddress: parseAddress(bootstrapAddress) ? compact(bootstrapAddress) : bootstrapAddress,
    bootstrapValues: parts.get('bootstrap_values')?.data.toString('utf8') ?? '',
    sysadminPassword,
    dataInstall,
    groupId: config.group.id,
    migrate: flags.migrate,
    secondary: flags.secondary,
    enroll: flags.enroll,
    hasDeployConfig,
    deployConfigName: hasDeployConfig ? parts.get('deploy_config')?.filename : undefined,
  }
}

/** 4.1.2: the YAML files, then the form fields over the bootstrap values. */
async function readAddRequest(parts: Map<string, FormPart>): Promise<AddRequest> {
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
  return {parts, bootstrap, install, payload, form}
}

/** 4.1.3 booleans and their combinations; 4.1.4 the name of a migrated subcloud. */
function checkFlags({parts, bootstrap, form}: AddRequest): AddFlags {
  const flags = {} as AddFlags
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

  if (flags.migrate && form('name') !== undefined && form('name') !== asText(bootstrap?.name)) {
    throw bad('subcloud name does not match the name defined in bootstrap file')
  }
  return flags
}

/** 4.3 required bootstrap keys, the release, and a name not taken. */
function checkRequiredKeys(
  {payload, form}: AddRequest,
  context: AddContext,
): {name: string; simplex: boolean; softwareVersion: string} {
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
  return {name, simplex, softwareVersion}
}

/** 4.6 the remaining add steps: enroll, deploy config, the bootstrap address. */
function checkAddSteps(
  {parts, install, form}: AddRequest,
  flags: AddFlags,
  bootstrapAddress: string,
  release: string,
  context: AddContext,
): boolean {
  if (!flags.enroll && parts.has('cloud_init_config')) throw bad('cloud_init_config is not allowed with enroll=false')
  if (!flags.enroll && form('on_site') !== undefined && flags.on_site) {
    throw bad('on_site is not allowed with enroll=false')
  }
  if (flags.enroll) {
    if (!install) throw bad('Install values is necessary for subcloud enrollment')
    // The BMC password may come from the install values; an on-site enrollment needs none (§3.3).
    if (!flags.on_site && !form('bmc_password') && !install.bmc_password) {
      throw bad('bmc_password is necessary for subcloud enrollment')
    }
    if (parts.has('cloud_init_config')) {
      throw new WebobError(422, 'Enrollment with a cloud-init config is not supported by the dcm lab System Controller')
    }
  }
  const deployConfig = parts.get('deploy_config')
  if (deployConfig) {
    if (!deployConfig.filename) throw bad('No deploy_config file uploaded')
    // The playbook and chart uploaded for the release (`subcloud deploy upload`) run the config phase.
    const missing = context.missingDeployFiles?.(release) ?? ['deploy_playbook', 'deploy_chart']
    if (missing.length > 0) throw bad(`Missing required deploy files: ${missing.join(', ')}`)
  }
  if (!flags.secondary && !parseAddress(bootstrapAddress)) {
    throw bad(`bootstrap-address invalid: failed to detect a valid IP address from '${bootstrapAddress}'`)
  }
  return deployConfig !== undefined
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

export async function loadYamlPart(
  part: FormPart | undefined,
  field: string,
): Promise<Record<string, unknown> | undefined> {
  if (!part) return undefined
  const text = part.data.toString('utf8')
  if (text.trim() === '') throw bad(`Error: Unable to load ${field} file contents (empty file provided).`)
  const {parse, YAMLParseError} = await import('yaml')
  let value: unknown
  try {
    value = parse(text)
  } catch (error) {
    if (error instanceof YAMLParseError && error.linePos) {
      // PyYAML's problem_mark counts lines from 0; the parser here counts from 1. A key spread over lines is
      // reported by PyYAML where the ':' is found, the end of this parser's range.
      const mark = error.code === 'MULTILINE_IMPLICIT_KEY' ? (error.linePos[1] ?? error.linePos[0]) : error.linePos[0]
      const line = mark.line - 1
      throw bad(`Error: Unable to load ${field} file contents (problem on line: ${line}).`)
    }
    throw bad(`Error: Unable to load ${field} file contents (please see logs for more details).`)
  }
  // yaml.safe_load gives None for a file of comments, `~` or `null`: upstream calls that empty too.
  if (value === null || value === undefined) {
    throw bad(`Error: Unable to load ${field} file contents (empty file provided).`)
  }
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw bad(`Error: Unable to load ${field} file contents (please see logs for more details).`)
  }
  return value as Record<string, unknown>
}
