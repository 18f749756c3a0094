import {broadcastOf, contains, formatAddress, parseAddress, parseSubnet, sizeOf, type Subnet} from '../net/cidr.js'

/**
 * dcmanager's generic validators `validate_network_str` and `validate_address_str` (dcmanager-api.md §4.4,
 * bootstrap-overrides.md 8.1.a/8.1.b): each returns the upstream reason text, or the parsed values.
 * Both accept a comma list of up to two values of different families (dual stack).
 */
export type Check<T> = {ok: true; value: T} | {ok: false; reason: string}

export interface ParsedSubnet extends Subnet {
  /** The text as written (netaddr prints the network with its host bits). */
  written: string
}

export function splitList(text: unknown): string[] {
  if (text === undefined || text === null) return []
  return String(text)
    .split(',')
    .map((part) => part.trim())
}

export function validateNetworkStr(text: unknown, minimumSize: number, existing: Subnet[] = []): Check<ParsedSubnet[]> {
  const parts = splitList(text)
  if (parts.length > 2) return {ok: false, reason: 'Invalid subnet - more than two IP subnets'}
  const subnets: ParsedSubnet[] = []
  for (const part of parts) {
    const subnet = parseSubnet(part)
    if (!subnet) return {ok: false, reason: 'Invalid subnet - not a valid IP subnet'}
    subnets.push({...subnet, written: part})
  }
  if (subnets.length === 0) return {ok: false, reason: 'Invalid subnet - not a valid IP subnet'}
  if (subnets.length === 2 && subnets[0].family === subnets[1].family) {
    return {ok: false, reason: 'Invalid subnet - dual-stack of same IP family'}
  }
  for (const subnet of subnets) {
    if (sizeOf(subnet) < BigInt(minimumSize)) {
      return {ok: false, reason: `Subnet too small - must have at least ${minimumSize} addresses`}
    }
    if (subnet.family === 6 && subnet.prefix > 64) return {ok: false, reason: 'IPv6 minimum prefix length is 64'}
    if (existing.some((other) => contains(other, {family: subnet.family, value: subnet.network}))) {
      return {ok: false, reason: 'Subnet overlaps with another configured subnet'}
    }
  }
  return {ok: true, value: subnets}
}

export interface ParsedAddress {
  family: 4 | 6
  value: bigint
  /** Compact text (IPv6 compressed), as the server normalises addresses before storing them. */
  text: string
}

export function validateAddressStr(text: unknown, networks: ParsedSubnet[]): Check<ParsedAddress[]> {
  if (text === undefined || text === null || String(text).trim() === '') {
    return {ok: false, reason: 'Invalid address - IP address not specified'}
  }
  const parts = splitList(text)
  if (parts.length > 2) return {ok: false, reason: 'Invalid address - more than two IP addresses'}
  const addresses: ParsedAddress[] = []
  for (const part of parts) {
    const address = parseAddress(part)
    if (!address) return {ok: false, reason: 'Invalid address - not a valid IP address'}
    addresses.push({...address, text: formatAddress(address.family, address.value)})
  }
  if (addresses.length === 2 && addresses[0].family === addresses[1].family) {
    return {ok: false, reason: 'Invalid address - dual-stack of same IP family'}
  }
  if (addresses.length !== networks.length) {
    return {ok: false, reason: 'Invalid address - Not of same size (single or dual-stack) with subnet'}
  }
  for (const [index, address] of addresses.entries()) {
    const network = networks[index]
    if (address.family !== network.family) {
      return {ok: false, reason: `Invalid IP version - must match network version IPv${network.family}`}
    }
    // Upstream's "Cannot use network address" check compares the wrong types and never fires (quirk Q2).
    if (network.family === 4 && address.value === broadcastOf(network)) {
      return {ok: false, reason: 'Cannot use broadcast address'}
    }
    if (!contains(network, address)) return {ok: false, reason: `Address must be in subnet ${network.written}`}
  }
  return {ok: true, value: addresses}
}
