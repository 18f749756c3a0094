import {formatAddress, parseAddress} from '../net/cidr.js'
import {checkAddressText, checkNetworkText, type ParsedAddress, type TypedSubnet} from './network-values.js'

/**
 * dcmanager's `validate_admin_network_config` (phased_subcloud_deploy.py), the rules the new network of a subcloud
 * network reconfiguration must pass (dcmanager-api.md §3.5), with upstream's texts and order. One implementation:
 * the lab answers with these texts, and `dcm subcloud update` checks the same before sending. Upstream's texts say
 * "admin" whatever the network (the reconfiguration calls the admin validator with the management values).
 */
export interface AdminNetworkValues {
  subnet?: string
  start?: string
  end?: string
  gateway?: string
}

export type AdminNetworkKey = 'admin_subnet' | 'admin_start_address' | 'admin_end_address' | 'admin_gateway_address'

export interface AdminNetwork {
  subnets: TypedSubnet[]
  /** Start-end pairs per family, in the subnets' order; texts compact, as the server prints addresses. */
  ranges: Array<{start: ParsedAddress; end: ParsedAddress}>
  gateways: ParsedAddress[]
}

/** A range another subcloud holds (its primary one: the only one upstream's table keeps). */
export interface HeldRange {
  name: string
  start: string
  end: string
}

export type AdminNetworkCheck = {ok: true; value: AdminNetwork} | {ok: false; key: AdminNetworkKey; message: string}

/** No system mode is passed by the reconfiguration: a duplex's minimums (MIN_SUBNET_HOST_ADDRESSES). */
const MIN_SUBNET_SIZE = 8
const MIN_RANGE = 3

export function checkAdminNetworkConfig(
  values: AdminNetworkValues,
  held: readonly HeldRange[] = [],
): AdminNetworkCheck {
  const fail = (key: AdminNetworkKey, message: string): AdminNetworkCheck => ({ok: false, key, message})
  const subnets = checkNetworkText(values.subnet, {minimumSize: MIN_SUBNET_SIZE, ipv6MinimumPrefix: true})
  if (!subnets.ok) return fail('admin_subnet', `admin_subnet invalid: ${subnets.reason}`)
  const starts = checkAddressText(values.start, subnets.value)
  if (!starts.ok) return fail('admin_start_address', `admin_start_address invalid: ${starts.reason}`)
  const ends = checkAddressText(values.end, subnets.value)
  if (!ends.ok) return fail('admin_end_address', `admin_end_address invalid: ${ends.reason}`)

  const ranges = starts.value.map((start, index) => ({start: compact(start), end: compact(ends.value[index])}))
  for (const {start, end} of ranges) {
    if (start.value > end.value) {
      return fail('admin_start_address', 'admin_start_address greater than admin_end_address')
    }
    if (end.value - start.value + 1n < BigInt(MIN_RANGE)) {
      return fail('admin_start_address', `admin address range must contain at least ${MIN_RANGE} addresses`)
    }
    const overlapping = held.find((other) => overlaps(start, end, other))
    if (overlapping) {
      return fail('admin_start_address', `Admin address range overlaps with that of subcloud ${overlapping.name}`)
    }
  }

  const gateways = checkAddressText(values.gateway, subnets.value)
  if (!gateways.ok) return fail('admin_gateway_address', `admin_gateway_address invalid: ${gateways.reason}`)
  for (const [index, gateway] of gateways.value.entries()) {
    const {start, end} = ranges[index]
    if (gateway.value >= start.value && gateway.value <= end.value) {
      return fail(
        'admin_gateway_address',
        `admin_gateway_address invalid, is within admin pool: ${start.text} - ${end.text}`,
      )
    }
  }
  return {ok: true, value: {subnets: subnets.value, ranges, gateways: gateways.value.map(compact)}}
}

function compact(address: ParsedAddress): ParsedAddress {
  return {...address, text: formatAddress(address.family, address.value)}
}

/** check_range_overlaps: same family only (Python's overlaps() is False across families). */
function overlaps(start: ParsedAddress, end: ParsedAddress, other: HeldRange): boolean {
  const otherStart = parseAddress(other.start)
  const otherEnd = parseAddress(other.end)
  if (!otherStart || !otherEnd || otherStart.family !== start.family) return false
  return start.value <= otherEnd.value && otherStart.value <= end.value
}
