import {formatAddress, type Subnet} from '../../core/net/cidr.js'
import {
  checkAddressText,
  checkNetworkText,
  type Checked,
  type TypedSubnet,
} from '../../core/overrides/network-values.js'

/**
 * dcmanager's generic validators `validate_network_str` and `validate_address_str` (dcmanager-api.md §4.4,
 * bootstrap-overrides.md 8.1.a/8.1.b) as the server applies them: charter B's implementation in
 * src/core/overrides (the same reason texts the client-side validation reports), with the server's options
 * (the /64 IPv6 rule, no "network address" check: quirk Q2) and addresses normalised as the server stores them.
 */
export type Check<T> = Checked<T>
export type ParsedSubnet = TypedSubnet

export interface ParsedAddress {
  family: 4 | 6
  value: bigint
  /** Compact text (IPv6 compressed), as the server normalises addresses before storing them. */
  text: string
}

/** Upstream `value.split(',')` with the parts trimmed (only where the server itself strips). */
export function splitList(text: unknown): string[] {
  if (text === undefined || text === null) return []
  return String(text)
    .split(',')
    .map((part) => part.trim())
}

export function validateNetworkStr(text: unknown, minimumSize: number, existing: Subnet[] = []): Check<ParsedSubnet[]> {
  return checkNetworkText(text, {minimumSize, ipv6MinimumPrefix: true, existingNetworks: existing})
}

export function validateAddressStr(text: unknown, networks: ParsedSubnet[]): Check<ParsedAddress[]> {
  const result = checkAddressText(text, networks)
  if (!result.ok) return result
  return {
    ok: true,
    value: result.value.map((address) => ({
      family: address.family,
      value: address.value,
      text: formatAddress(address.family, address.value),
    })),
  }
}
