/**
 * Rules the bootstrap playbook and sysinv apply to every override file, subcloud or System Controller
 * (bootstrap-overrides.md §5, §6, §8.2, §8.3): IP families, subnet and range sizes, multicast, host bits, and
 * overlaps between the file's own networks. Upstream finds most of these late, during bootstrap; dcm finds them
 * before anything is sent.
 */
import {contains, isMulticast, lastAddress, overlaps, sizeOf} from '../net/cidr.js'
import {checkAddressText, typedText, type TypedSubnet} from './network-values.js'
import {MAY_OVERLAP} from './parameters.js'
import {addressText, type PlannedNetwork, type RuleContext} from './rule-context.js'

export interface PlatformRuleOptions {
  /** Networks whose subnet size, start/end and order rules are checked elsewhere (dcmanager's own, stricter). */
  skipRangeRules: ReadonlySet<string>
}

export function platformRules(context: RuleContext, planned: PlannedNetwork[], options: PlatformRuleOptions): void {
  hostBits(context, planned)
  families(context, planned)
  multicast(context, planned)
  for (const network of planned) {
    if (!options.skipRangeRules.has(network.spec.prefix)) ranges(context, network)
  }
  duplexRanges(context, planned)
  ownOverlaps(context, planned)
}

/** Quirk Q7, dcm-only: `192.168.101.5/24` passes dcmanager and later breaks the System Controller route. */
function hostBits(context: RuleContext, planned: PlannedNetwork[]): void {
  for (const network of planned) {
    if (!network.given) continue
    for (const subnet of network.subnets) {
      if (subnet.address !== subnet.network)
        context.report(
          'SEM-HOSTBITS',
          network.key,
          `${network.key} invalid: ${subnet.typed} has host bits set (did you mean ${subnet.text}?)`,
        )
    }
  }
}

/** §6 rules 1, 2 and 5 (SEM-FAM-3, SEM-FAM-4, SEM-FAM-5). */
function families(context: RuleContext, planned: PlannedNetwork[]): void {
  const byPrefix = new Map(planned.map((network) => [network.spec.prefix, network]))
  const management = byPrefix.get('management')
  if (management) {
    for (const prefix of ['management_multicast', 'cluster_host', 'cluster_pod', 'cluster_service', 'external_oam']) {
      const other = byPrefix.get(prefix)
      if (!other || other.subnets[0].family === management.subnets[0].family) continue
      context.report(
        'SEM-FAM-3',
        other.given ? other.key : management.key,
        `Cluster, oam and mgmt must have same family address type: ${text(management)} and ${text(other)}`,
      )
    }
    const admin = byPrefix.get('admin')
    if (admin && admin.subnets[0].family !== management.subnets[0].family)
      context.report('SEM-FAM-4', admin.key, 'Admin subnet must have same IP family of platform network parameters')
  }
  const cluster = ['cluster_pod', 'cluster_host', 'cluster_service'].map((prefix) => byPrefix.get(prefix))
  const dual = cluster.map((network) => (network ? network.subnets.length === 2 : false))
  if (dual.some(Boolean) && !dual.every(Boolean)) {
    const key = cluster.find((network) => network?.given && network.subnets.length === 2)?.key ?? 'cluster_pod_subnet'
    context.report(
      'SEM-FAM-5',
      key,
      'To have dual-stack, cluster networks (pod, host, and service) must have IPv4 and IPv6 subnets defined',
    )
  }
  const oam = byPrefix.get('external_oam')
  if (cluster[0]?.subnets.length === 2 && oam && oam.subnets.length !== 2)
    context.report(
      'SEM-FAM-5',
      cluster[0].given ? cluster[0].key : oam.key,
      'To have dual-stack cluster pod network, OAM must have IPv4 and IPv6 subnets defined',
    )
}

/** SEM-MC-1: the multicast subnet must be a multicast block (IPv4 224.0.0.0/4, IPv6 ff00::/8). */
function multicast(context: RuleContext, planned: PlannedNetwork[]): void {
  const network = planned.find((candidate) => candidate.spec.prefix === 'management_multicast')
  if (!network?.given) return
  const bad = network.subnets.some(
    (subnet) =>
      !isMulticast({family: subnet.family, value: subnet.network}) ||
      !isMulticast({family: subnet.family, value: lastAddress(subnet)}),
  )
  if (bad)
    context.report(
      'SEM-MC-1',
      network.key,
      `Invalid multicast subnet: management_multicast_subnet -> ${String(context.values[network.key])}`,
    )
}

/**
 * SEM-RNG-1 (`validate_address_range.yml`): subnet minimum/maximum size, start and end inside the subnet, their
 * order, and the range minimum, per IP family, with derived start/end when not given.
 */
function ranges(context: RuleContext, network: PlannedNetwork): void {
  const {spec} = network
  const mode = context.simplex ? 'simplex' : 'duplex'
  const startKey = `${spec.prefix}_start_address`
  const endKey = `${spec.prefix}_end_address`
  const given = {start: givenAddresses(context, network, startKey), end: givenAddresses(context, network, endKey)}
  if (given.start === null || given.end === null) return
  const report = (message: string, preferred?: string) =>
    context.report('SEM-RNG-1', preferred && context.has(preferred) ? preferred : network.key, message)
  for (const [index, subnet] of network.subnets.entries()) {
    const size = sizeOf(subnet)
    if (size < BigInt(spec.minSubnet[mode])) {
      report(`Failed validation, ${spec.net} subnet must contain at least ${spec.minSubnet[mode]} addresses.`)
      continue
    }
    if (spec.maxSubnet !== undefined && size > BigInt(spec.maxSubnet)) {
      report(`Failed validation, ${spec.net} subnet must not contain more than ${spec.maxSubnet} addresses.`)
      continue
    }
    const start = given.start?.[index] ?? subnet.network + 1n
    const end = given.end?.[index] ?? (subnet.family === 4 ? lastAddress(subnet) - 1n : lastAddress(subnet))
    const inside = (value: bigint) => contains(subnet, {family: subnet.family, value})
    if (!inside(start) || !inside(end)) {
      report(
        `Failed validation, ${spec.net} start or end address must be within its subnet range.`,
        inside(start) ? endKey : startKey,
      )
      continue
    }
    if (spec.strictOrder ? start >= end : start > end) {
      report(
        `Failed validation, ${spec.net} start address must be less than${spec.strictOrder ? '' : ' or equal to'} end address.`,
        startKey,
      )
      continue
    }
    if (end - start + 1n < BigInt(spec.minRange[mode]))
      report(
        `Failed validation, ${spec.net} address range must contain at least ${spec.minRange[mode]} addresses.`,
        startKey,
      )
  }
}

/**
 * A given start/end address of a network dcmanager does not check: its count and family order must match the subnet
 * (SEM-FAM-2). Returns the values, undefined when not given, null when wrong (already reported).
 */
function givenAddresses(context: RuleContext, network: PlannedNetwork, key: string): bigint[] | undefined | null {
  if (!context.has(key) || context.broken.has(key)) return context.broken.has(key) ? null : undefined
  const checked = checkAddressText(context.values[key], network.subnets)
  if (checked.ok) return checked.value.map((address) => address.value)
  if (checked.reason.startsWith('Address must be in subnet') || checked.reason.startsWith('Cannot use'))
    return (context.addresses(key) ?? []).map((address) => address.value)
  context.report('SEM-FAM-2', key, `${key} invalid: ${checked.reason}`)
  return null
}

/** SEM-RNG-2: a duplex system needs floating, floating+1 and floating+2 inside the management and cluster-host ranges. */
function duplexRanges(context: RuleContext, planned: PlannedNetwork[]): void {
  if (context.simplex) return
  for (const network of planned) {
    if (network.spec.prefix !== 'cluster_host' && network.spec.prefix !== 'management') continue
    const prefix = network.spec.prefix
    const floating = context.addresses(`${prefix}_floating_address`)
    if (!floating) continue
    const start = context.addresses(`${prefix}_start_address`)
    const end = context.addresses(`${prefix}_end_address`)
    for (const [index, address] of floating.entries()) {
      const subnet = network.subnets[index]
      if (!subnet || subnet.family !== address.family) continue
      const low = start?.[index]?.value ?? subnet.network + 1n
      const high = end?.[index]?.value ?? (subnet.family === 4 ? lastAddress(subnet) - 1n : lastAddress(subnet))
      if (address.value >= low && address.value + 2n <= high) continue
      context.report(
        'SEM-RNG-2',
        `${prefix}_floating_address`,
        `${prefix}_floating_address ${address.text}: a duplex system needs it and the two controller addresses after it (up to ${addressText(address.family, address.value + 2n)}) inside the ${prefix} range ${addressText(address.family, low)} - ${addressText(address.family, high)}`,
      )
    }
  }
}

/**
 * SEM-OVL-1: sysinv refuses a network that overlaps one created before it (§8.3); the message names the later one,
 * as sysinv does. Pairs sysinv allows (the cluster networks among themselves) are skipped.
 */
function ownOverlaps(context: RuleContext, planned: PlannedNetwork[]): void {
  for (const [laterIndex, later] of planned.entries()) {
    for (const earlier of planned.slice(0, laterIndex)) {
      if (MAY_OVERLAP.has(earlier.spec.prefix) && MAY_OVERLAP.has(later.spec.prefix)) continue
      if (!earlier.given && !later.given) continue
      for (const a of later.subnets) {
        const b = earlier.subnets.find((candidate) => overlaps(a, candidate))
        if (!b) continue
        context.report(
          'SEM-OVL-1',
          later.given ? later.key : earlier.key,
          `${later.key} ${typedText(a)}${later.given ? '' : ' (default)'} overlaps ${earlier.key} ${typedText(b)}${earlier.given ? '' : ' (default)'}`,
        )
        break
      }
    }
  }
}

function text(network: PlannedNetwork): string {
  return network.subnets.map((subnet: TypedSubnet) => subnet.typed).join(',')
}
