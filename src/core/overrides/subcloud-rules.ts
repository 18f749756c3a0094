/**
 * The subcloud rules of bootstrap-overrides.md §9 that need more than the schema: dcmanager's own checks in its
 * order with its texts (§8.1), the System Controller and existing-subcloud rules, and the dcm-only ones.
 */
import {broadcastOf, contains, formatAddress, overlaps, parseAddress, parseSubnet, type Subnet} from '../net/cidr.js'
import {checkAddressText, checkNetworkText, typedText, type ParsedAddress, type TypedSubnet} from './network-values.js'
import {platformRules} from './platform-rules.js'
import type {RuleContext} from './rule-context.js'
import {unknownKeyMessage} from './unknown-keys.js'
import type {ExistingSubcloud, SystemControllerNetwork} from './types.js'

export interface SubcloudRuleOptions {
  systemControllers: SystemControllerNetwork[]
  existingSubclouds: ExistingSubcloud[]
  bootstrapAddress?: string
  regionOneName: string
  knownKeys: ReadonlySet<string>
}

/**
 * The System Controller's and the existing subclouds' networks are the same for every file of a batch: parse each
 * text once per process instead of once per file (a third of the time of a 1,000-file call otherwise).
 */
const subnetCache = new Map<string, Subnet | undefined>()
const addressCache = new Map<string, ReturnType<typeof parseAddress>>()

function sharedSubnet(text: string): Subnet | undefined {
  if (!subnetCache.has(text)) subnetCache.set(text, parseSubnet(text))
  return subnetCache.get(text)
}

function sharedAddress(text: string): ReturnType<typeof parseAddress> {
  if (!addressCache.has(text)) addressCache.set(text, parseAddress(text))
  return addressCache.get(text)
}

const RFC1123 = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/

export function subcloudRules(context: RuleContext, options: SubcloudRuleOptions): void {
  identity(context, options)
  keys(context, options.knownKeys)
  const management = pool(context, 'management', options)
  const admin = adminPresent(context) ? pool(context, 'admin', options) : undefined
  systemControllerGateway(context, admin ?? management, options.systemControllers)
  const oam = externalOam(context, options.existingSubclouds)
  const planned = context.plannedNetworks(new Set(['management']))
  platformRules(context, planned, {skipRangeRules: new Set(['management', 'admin'])})
  systemControllerOverlap(context, planned, options.systemControllers)
  bootstrapAddress(context, oam, options.bootstrapAddress)
}

function identity(context: RuleContext, options: SubcloudRuleOptions): void {
  const name = context.values.name
  if (typeof name !== 'string' || context.broken.has('name')) return
  if (name === options.regionOneName || name === 'SystemController')
    context.report('SEM-NAME-2', 'name', `name cannot be ${options.regionOneName} or SystemController`)
  if (!RFC1123.test(name))
    context.report(
      'SEM-NAME-3',
      'name',
      "Invalid name: must consist of lowercase alphanumeric characters or '-', must start and end with an alphanumeric character, and may contain '.' to separate valid segments.",
      'warning',
    )
  if (options.existingSubclouds.some((subcloud) => subcloud.name === name))
    context.report('SEM-NAME-4', 'name', `Subcloud with name=${name} already exists`)
}

function keys(context: RuleContext, knownKeys: ReadonlySet<string>): void {
  if (context.has('admin_password'))
    context.report(
      'SEM-KEYS-1',
      'admin_password',
      'admin_password is set by dcmanager (the System Controller admin password); the value in the file is ignored',
      'warning',
      'key',
    )
  for (const key of Object.keys(context.values)) {
    const message = unknownKeyMessage(key, knownKeys)
    if (message) context.report('SEM-KEYS-2', key, message, 'warning', 'key')
  }
  // §4.7: the system-local-ca issuer comes from the System Controller; the playbook ignores these with a warning.
  for (const key of ['system_root_ca_cert', 'system_local_ca_cert', 'system_local_ca_key']) {
    if (context.has(key))
      context.report(
        'SEM-KEYS-3',
        key,
        `${key} is ignored for subclouds: the issuer is propagated from the System Controller`,
        'warning',
        'key',
      )
  }
  // §4.9: application tarballs must end in .tgz.
  const applications = context.values.applications
  if (Array.isArray(applications) && !context.broken.has('applications')) {
    for (const entry of applications) {
      const name = entry && typeof entry === 'object' ? Object.keys(entry)[0] : undefined
      if (name !== undefined && !name.endsWith('.tgz'))
        context.report('SEM-APP-1', 'applications', `File ${name} has unrecognizable tarfile extension.`)
    }
  }
}

function adminPresent(context: RuleContext): boolean {
  return [
    'admin_subnet',
    'admin_start_address',
    'admin_end_address',
    'admin_gateway_address',
    'admin_floating_address',
  ].some((key) => context.has(key))
}

interface Pool {
  prefix: 'management' | 'admin'
  subnets: TypedSubnet[]
  start?: ParsedAddress[]
  end?: ParsedAddress[]
}

/**
 * dcmanager #9-#11 and #19-#29 for the management network, or #6-#8 and #25-#28 for the admin network: subnet,
 * start/end (simplex shortcut through the floating address), order, range size, overlap with other subclouds'
 * stored ranges, gateway inside the subnet and outside the range.
 */
function pool(context: RuleContext, prefix: 'management' | 'admin', options: SubcloudRuleOptions): Pool | undefined {
  const key = (part: string) => `${prefix}_${part}`
  const values = context.values
  const minSize = context.simplex ? 4 : 8
  const minRange = context.simplex ? 1 : 3
  const floatingOnly =
    context.simplex &&
    context.has(key('floating_address')) &&
    !context.has(key('start_address')) &&
    !context.has(key('end_address'))
  const startText = floatingOnly ? values[key('floating_address')] : values[key('start_address')]
  const endText = floatingOnly ? values[key('floating_address')] : values[key('end_address')]
  // Without a start address the schema already says `..._start_address required`: one line per mistake.
  if (
    context.has(key('floating_address')) &&
    context.has(key('start_address')) &&
    !floatingOnly &&
    values[key('floating_address')] !== values[key('start_address')]
  )
    context.report(
      prefix === 'admin' ? 'SEM-ADM-5' : 'SEM-MGMT-5',
      key('floating_address'),
      `${key('floating_address')} does not match ${key('start_address')}`,
    )
  if (!context.has(key('subnet')) || context.broken.has(key('subnet'))) return undefined
  const rule = (n: number) => (prefix === 'admin' ? `SEM-ADM-${n}` : `SEM-MGMT-${n}`)

  const subnet = checkNetworkText(values[key('subnet')], {minimumSize: minSize, ipv6MinimumPrefix: true})
  if (!subnet.ok) {
    context.report(rule(1), key('subnet'), `${key('subnet')} invalid: ${subnet.reason}`)
    return undefined
  }
  const subnets = subnet.value
  const result: Pool = {prefix, subnets}

  const addresses: Record<'start' | 'end', ParsedAddress[] | undefined> = {start: undefined, end: undefined}
  for (const part of ['start', 'end'] as const) {
    const partKey = floatingOnly ? key('floating_address') : key(`${part}_address`)
    if (context.broken.has(partKey) || (!floatingOnly && !context.has(partKey))) continue
    const checked = checkAddressText(part === 'start' ? startText : endText, subnets, {rejectNetworkAddress: true})
    if (checked.ok) addresses[part] = checked.value
    else context.report(rule(2), partKey, `${key(`${part}_address`)} invalid: ${checked.reason}`)
  }
  result.start = addresses.start
  result.end = addresses.end
  const {start, end} = addresses
  if (start && end) {
    for (const [index, first] of start.entries()) {
      const last = end[index]
      if (first.value > last.value) {
        context.report(rule(3), key('start_address'), `${key('start_address')} greater than ${key('end_address')}`)
        break
      }
      if (last.value - first.value + 1n < BigInt(minRange)) {
        context.report(
          rule(3),
          key('start_address'),
          `${prefix} address range must contain at least ${minRange} addresses`,
        )
        break
      }
      const clash = rangeClash(first, last, options.existingSubclouds, prefix === 'admin' || !adminPresent(context))
      if (clash) {
        const label = prefix === 'admin' ? 'Admin' : 'Management'
        context.report(rule(4), key('start_address'), `${label} address range overlaps with that of subcloud ${clash}`)
        break
      }
    }
  }

  // The gateway of this pool: the admin gateway, or the management gateway when there is no admin gateway.
  const gatewayKey = key('gateway_address')
  if (prefix === 'management' && context.has('admin_gateway_address')) return result
  if (!context.has(gatewayKey) || context.broken.has(gatewayKey)) return result
  const gateway = checkAddressText(values[gatewayKey], subnets)
  if (!gateway.ok) {
    context.report(rule(6), gatewayKey, `${gatewayKey} invalid: ${gateway.reason}`)
    return result
  }
  if (start && end) {
    for (const [index, address] of gateway.value.entries()) {
      if (address.value >= start[index].value && address.value <= end[index].value) {
        context.report(
          rule(7),
          gatewayKey,
          `${gatewayKey} invalid, is within ${prefix} pool: ${start[index].text} - ${end[index].text}`,
        )
        break
      }
    }
  }
  return result
}

/** The name of an existing subcloud whose stored range overlaps first..last (same family), if any. */
function rangeClash(
  first: ParsedAddress,
  last: ParsedAddress,
  existing: readonly ExistingSubcloud[],
  applies: boolean,
): string | undefined {
  // With an admin network dcmanager stores (and compares) the admin range, not the site-local management one (Q9).
  if (!applies) return undefined
  for (const subcloud of existing) {
    const low = sharedAddress(subcloud.management_start_ip ?? '')
    const high = sharedAddress(subcloud.management_end_ip ?? '')
    if (!low || !high || low.family !== first.family) continue
    if (first.value <= high.value && low.value <= last.value) return subcloud.name
  }
  return undefined
}

/** dcmanager #30-#35: the System-Controller-side router of this subcloud (SEM-SC-1..3). */
function systemControllerGateway(
  context: RuleContext,
  routed: Pool | undefined,
  systemControllers: readonly SystemControllerNetwork[],
): void {
  const key = 'systemcontroller_gateway_address'
  if (!routed || !context.has(key) || context.broken.has(key)) return
  const primaryText = String(context.values[key]).split(',')[0]
  const gateway = parseAddress(primaryText)
  if (!gateway) return
  const family = routed.subnets[0].family
  if (gateway.family !== family) {
    context.report('SEM-SC-1', key, `${key} invalid: Expected IPv${family}`)
    return
  }
  const pools = systemControllers
    .map((network) => ({network, subnet: sharedSubnet(network.managementSubnet)}))
    .filter((entry): entry is {network: SystemControllerNetwork; subnet: Subnet} => entry.subnet !== undefined)
  const pool = pools.find((entry) => entry.subnet.family === family)
  if (!pool) {
    context.report(
      'SEM-SC-2',
      key,
      `${key} IP family is not aligned with system controller management: IPv${family} pool not found in pools [${pools.map((entry) => entry.network.managementSubnet).join(', ')}]`,
    )
    return
  }
  const inside = checkAddressText(primaryText, [{...pool.subnet, typed: pool.network.managementSubnet} as TypedSubnet])
  if (!inside.ok) {
    context.report('SEM-SC-2', key, `${key} invalid: ${inside.reason}`)
    return
  }
  const low = sharedAddress(pool.network.poolStart)
  const high = sharedAddress(pool.network.poolEnd)
  if (low && high && gateway.value >= low.value && gateway.value <= high.value)
    context.report(
      'SEM-SC-3',
      key,
      `${key} invalid, is within management pool: ${pool.network.poolStart} - ${pool.network.poolEnd}`,
    )
}

/** dcmanager #36-#38 and the dcm-only OAM rules (SEM-OAM-1..5). Returns the OAM subnets when valid. */
function externalOam(context: RuleContext, existing: readonly ExistingSubcloud[]): TypedSubnet[] | undefined {
  const key = 'external_oam_subnet'
  if (!context.has(key) || context.broken.has(key)) return undefined
  const others = existing
    .map((subcloud) => ({name: subcloud.name, subnet: sharedSubnet(subcloud.management_subnet ?? '')}))
    .filter((entry): entry is {name: string; subnet: Subnet} => entry.subnet !== undefined)
  const checked = checkNetworkText(context.values[key], {
    minimumSize: 3,
    ipv6MinimumPrefix: true,
    existingNetworks: others.map((entry) => entry.subnet),
  })
  if (!checked.ok) {
    context.report(
      checked.reason.includes('overlaps') ? 'SEM-OAM-2' : 'SEM-OAM-1',
      key,
      `${key} invalid: ${checked.reason}`,
    )
    return undefined
  }
  const subnets = checked.value
  // Quirk Q4: upstream tests only the OAM network address; dcm warns on any overlap.
  for (const subnet of subnets) {
    const other = others.find((entry) => overlaps(subnet, entry.subnet))
    if (other)
      context.report(
        'SEM-OAM-2',
        key,
        `${key} ${subnet.typed} overlaps the management subnet ${other.subnet.text} of subcloud ${other.name}`,
        'warning',
      )
  }
  const named: {key: string; label: string; addresses?: ParsedAddress[]}[] = []
  for (const [field, label] of [
    ['external_oam_gateway_address', 'oam_gateway_address'],
    ['external_oam_floating_address', 'oam_floating_address'],
  ] as const) {
    if (!context.has(field) || context.broken.has(field)) continue
    const address = checkAddressText(context.values[field], subnets)
    if (address.ok) named.push({key: field, label, addresses: address.value})
    else context.report('SEM-OAM-3', field, `${label} invalid: ${address.reason}`)
  }
  if (!context.simplex) {
    const floating = named.find((entry) => entry.key === 'external_oam_floating_address')?.addresses
    for (const [node, offset] of [
      ['external_oam_node_0_address', 1n],
      ['external_oam_node_1_address', 2n],
    ] as const) {
      if (context.broken.has(node)) continue
      const given = context.addresses(node)
      const addresses =
        given ??
        floating?.map((address) => ({
          ...address,
          value: address.value + offset,
          text: formatAddress(address.family, address.value + offset),
        }))
      if (!addresses) continue
      const where = given ? node : 'external_oam_floating_address'
      const outside = addresses.find((address, index) => !subnets[index] || !contains(subnets[index], address))
      const broadcast = addresses.find(
        (address, index) => subnets[index] && address.value === broadcastOf(subnets[index]),
      )
      const subnetText = subnets.map(typedText).join(',')
      if (outside) context.report('SEM-OAM-4', where, `${node} ${outside.text} is outside ${key} ${subnetText}`)
      else if (broadcast)
        context.report('SEM-OAM-4', where, `${node} ${broadcast.text} is the broadcast address of ${key} ${subnetText}`)
      named.push({key: node, label: node, addresses})
    }
  }
  // SEM-OAM-5: the gateway, the floating address and the node addresses are different hosts.
  for (const [index, a] of named.entries()) {
    for (const b of named.slice(index + 1)) {
      if (a.addresses?.[0] && b.addresses?.[0] && a.addresses[0].value === b.addresses[0].value) {
        const reported = context.has(b.key) ? b.key : a.key
        context.report('SEM-OAM-5', reported, `${a.key} and ${b.key} must be different addresses`)
      }
    }
  }
  return subnets
}

/** SEM-OVL-2: no subcloud network may overlap the System Controller management subnet. */
function systemControllerOverlap(
  context: RuleContext,
  planned: ReturnType<RuleContext['plannedNetworks']>,
  systemControllers: readonly SystemControllerNetwork[],
): void {
  const central = systemControllers
    .map((network) => sharedSubnet(network.managementSubnet))
    .filter((s): s is Subnet => !!s)
  for (const network of planned) {
    for (const subnet of network.subnets) {
      const clash = central.find((candidate) => overlaps(subnet, candidate))
      if (!clash) continue
      context.report(
        'SEM-OVL-2',
        network.given ? network.key : 'management_subnet',
        `${network.key} ${subnet.typed}${network.given ? '' : ' (default)'} overlaps the System Controller management subnet ${clash.text}`,
      )
    }
  }
}

/** SEM-BA-1 (warning) and SEM-BA-2: the bootstrap address is on the primary OAM subnet. */
function bootstrapAddress(
  context: RuleContext,
  oam: TypedSubnet[] | undefined,
  fromCommandLine: string | undefined,
): void {
  const text =
    fromCommandLine ??
    (typeof context.values['bootstrap-address'] === 'string' ? context.values['bootstrap-address'] : undefined)
  if (!text || !oam || context.broken.has('bootstrap-address')) return
  const address = parseAddress(text)
  if (!address) {
    if (fromCommandLine) context.report('SEM-BA-2', 'bootstrap-address', `bootstrap-address invalid: ${text}`)
    return
  }
  const primary = oam[0]
  if (address.family !== primary.family) {
    context.report(
      'SEM-BA-2',
      'bootstrap-address',
      `bootstrap-address ${text} and the primary OAM network ${primary.typed} must be the same IP version`,
    )
    return
  }
  if (!contains(primary, address))
    context.report(
      'SEM-BA-1',
      'bootstrap-address',
      `bootstrap-address ${text} is not in external_oam_subnet ${primary.typed}`,
      'warning',
    )
}
