/**
 * dcmanager's generic checks of network values (`utils.validate_network_str` and `utils.validate_address_str`,
 * bootstrap-overrides.md §8.1.a/b), with the exact reason texts and in the same order. The lab reuses these to
 * answer like the real API; the subcloud rules build their messages on them.
 */
import {broadcastOf, contains, parseAddress, parseSubnet, sizeOf, type Family, type Subnet} from '../net/cidr.js'

export interface ParsedAddress {
  family: Family
  value: bigint
  /** As typed. */
  text: string
}

/** A subnet with the text exactly as the operator typed it (upstream messages print it that way). */
export type TypedSubnet = Subnet & {typed: string}

export type Checked<T> = {ok: true; value: T} | {ok: false; reason: string}

/** Split a dual-stack value (`a,b`). dcmanager splits on commas and strips nothing. */
export function splitDualStack(value: string): string[] {
  return value.split(',')
}

/** Parse one or two subnets without any policy (used where the schema already vouched for the syntax). */
export function parseSubnetList(value: unknown): TypedSubnet[] | undefined {
  if (typeof value !== 'string' || value === '') return undefined
  const parts = splitDualStack(value)
  if (parts.length > 2) return undefined
  const subnets: TypedSubnet[] = []
  for (const part of parts) {
    if (!part.includes('/')) return undefined
    const subnet = parseSubnet(part)
    if (!subnet || part !== part.trim()) return undefined
    subnets.push({...subnet, typed: part})
  }
  if (subnets.length === 2 && subnets[0].family === subnets[1].family) return undefined
  return subnets
}

/** Parse one or two addresses without any policy. */
export function parseAddressList(value: unknown): ParsedAddress[] | undefined {
  if (typeof value !== 'string' || value === '') return undefined
  const parts = splitDualStack(value)
  if (parts.length > 2) return undefined
  const addresses: ParsedAddress[] = []
  for (const part of parts) {
    const address = parseAddress(part)
    if (!address || part !== part.trim()) return undefined
    addresses.push({...address, text: part})
  }
  if (addresses.length === 2 && addresses[0].family === addresses[1].family) return undefined
  return addresses
}

export interface NetworkCheckOptions {
  /** `Subnet too small - must have at least N addresses`. */
  minimumSize?: number
  /** dcmanager checks the /64 IPv6 minimum for management, admin and OAM. */
  ipv6MinimumPrefix?: boolean
  /** OAM only: the subnet's network address must not lie inside any of these (other subclouds' management). */
  existingNetworks?: Subnet[]
}

/** `validate_network_str`: the reason text of the first failed check, or the parsed subnets. */
export function checkNetworkText(value: unknown, options: NetworkCheckOptions = {}): Checked<TypedSubnet[]> {
  const text = typeof value === 'string' ? value : String(value ?? '')
  const parts = splitDualStack(text)
  if (parts.length > 2) return {ok: false, reason: 'Invalid subnet - more than two IP subnets'}
  const subnets: TypedSubnet[] = []
  for (const part of parts) {
    const subnet = part.trim() === part ? parseSubnet(part) : undefined
    if (!subnet) return {ok: false, reason: 'Invalid subnet - not a valid IP subnet'}
    subnets.push({...subnet, typed: part})
  }
  if (subnets.length === 2 && subnets[0].family === subnets[1].family)
    return {ok: false, reason: 'Invalid subnet - dual-stack of same IP family'}
  for (const subnet of subnets) {
    if (options.minimumSize !== undefined && sizeOf(subnet) < BigInt(options.minimumSize))
      return {ok: false, reason: `Subnet too small - must have at least ${options.minimumSize} addresses`}
    if (options.ipv6MinimumPrefix && subnet.family === 6 && subnet.prefix < 64)
      return {ok: false, reason: 'IPv6 minimum prefix length is 64'}
    // Upstream tests only the network address of the new subnet (quirk Q4).
    if (options.existingNetworks?.some((other) => contains(other, {family: subnet.family, value: subnet.network})))
      return {ok: false, reason: 'Subnet overlaps with another configured subnet'}
  }
  return {ok: true, value: subnets}
}

export interface AddressCheckOptions {
  /** dcm-only (quirk Q2): upstream never raises `Cannot use network address`; dcm does. */
  rejectNetworkAddress?: boolean
}

/** The first checks of `validate_address_str`, which need no subnet: present, at most two, parse, two families. */
export function checkAddressSyntax(value: unknown): Checked<ParsedAddress[]> {
  const text = typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value)
  if (text === '') return {ok: false, reason: 'Invalid address - IP address not specified'}
  const parts = splitDualStack(text)
  if (parts.length > 2) return {ok: false, reason: 'Invalid address - more than two IP addresses'}
  const addresses: ParsedAddress[] = []
  for (const part of parts) {
    const address = part.trim() === part ? parseAddress(part) : undefined
    if (!address) return {ok: false, reason: 'Invalid address - not a valid IP address'}
    addresses.push({...address, text: part})
  }
  if (addresses.length === 2 && addresses[0].family === addresses[1].family)
    return {ok: false, reason: 'Invalid address - dual-stack of same IP family'}
  return {ok: true, value: addresses}
}

/** `validate_address_str`: the reason text of the first failed check, or the parsed addresses. */
export function checkAddressText(
  value: unknown,
  subnets: readonly Subnet[],
  options: AddressCheckOptions = {},
): Checked<ParsedAddress[]> {
  const syntax = checkAddressSyntax(value)
  if (!syntax.ok) return syntax
  const addresses = syntax.value
  if (addresses.length !== subnets.length)
    return {ok: false, reason: 'Invalid address - Not of same size (single or dual-stack) with subnet'}
  for (const [index, address] of addresses.entries()) {
    const subnet = subnets[index]
    if (address.family !== subnet.family)
      return {ok: false, reason: `Invalid IP version - must match network version IPv${subnet.family}`}
    if (options.rejectNetworkAddress && address.value === subnet.network)
      return {ok: false, reason: 'Cannot use network address'}
    if (subnet.family === 4 && address.value === broadcastOf(subnet) && contains(subnet, address))
      return {ok: false, reason: 'Cannot use broadcast address'}
    if (!contains(subnet, address)) return {ok: false, reason: `Address must be in subnet ${typedText(subnet)}`}
  }
  return {ok: true, value: addresses}
}

/** Upstream prints the network as typed (`str(IPNetwork)` keeps host bits). */
export function typedText(subnet: Subnet): string {
  return (subnet as TypedSubnet).typed ?? subnet.text
}
