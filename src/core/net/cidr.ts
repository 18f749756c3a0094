import ipaddr from 'ipaddr.js'

/**
 * Address and subnet arithmetic shared by override validation, config-management and host routes.
 * Addresses are handled as BigInt so IPv4 and IPv6 share one code path; ipaddr.js only parses and prints.
 */
export type Family = 4 | 6

export interface Subnet {
  family: Family
  /** The network address as typed may have host bits set; `network` is the masked value. */
  network: bigint
  prefix: number
  /** The address part exactly as written (before the slash). */
  address: bigint
  /** Canonical `<network>/<prefix>` text (compact IPv6). */
  text: string
}

const BITS: Record<Family, number> = {4: 32, 6: 128}

export function familyBits(family: Family): number {
  return BITS[family]
}

/** Parse an address strictly (IPv4 dotted quad only, no zone ids). Returns undefined when invalid. */
export function parseAddress(text: string): {family: Family; value: bigint} | undefined {
  const trimmed = text.trim()
  if (trimmed === '' || trimmed.includes('%')) return undefined
  if (ipaddr.IPv4.isValidFourPartDecimal(trimmed)) {
    const bytes = ipaddr.IPv4.parse(trimmed).toByteArray()
    return {family: 4, value: bytesToBigInt(bytes)}
  }
  if (trimmed.includes(':') && ipaddr.IPv6.isValid(trimmed)) {
    return {family: 6, value: bytesToBigInt(ipaddr.IPv6.parse(trimmed).toByteArray())}
  }
  return undefined
}

export function isAddress(text: string): boolean {
  return parseAddress(text) !== undefined
}

/**
 * Parse `addr/prefix`. A bare address is read as a host network (/32 or /128), as netaddr does.
 * Returns undefined when the text is not a network.
 */
export function parseSubnet(text: string): Subnet | undefined {
  const [addressText, prefixText, ...rest] = text.trim().split('/')
  if (rest.length > 0) return undefined
  const address = parseAddress(addressText ?? '')
  if (!address) return undefined
  const bits = BITS[address.family]
  let prefix = bits
  if (prefixText !== undefined) {
    if (!/^\d{1,3}$/.test(prefixText)) return undefined
    prefix = Number(prefixText)
    if (prefix > bits) return undefined
  }
  const network = address.value & maskOf(address.family, prefix)
  return {
    family: address.family,
    network,
    prefix,
    address: address.value,
    text: `${formatAddress(address.family, network)}/${prefix}`,
  }
}

export function maskOf(family: Family, prefix: number): bigint {
  const bits = BigInt(BITS[family])
  const all = (1n << bits) - 1n
  return prefix === 0 ? 0n : (all >> (bits - BigInt(prefix))) << (bits - BigInt(prefix))
}

/** Number of addresses in the subnet. */
export function sizeOf(subnet: Pick<Subnet, 'family' | 'prefix'>): bigint {
  return 1n << BigInt(BITS[subnet.family] - subnet.prefix)
}

export function hasHostBits(subnet: Subnet): boolean {
  return subnet.address !== subnet.network
}

export function firstAddress(subnet: Subnet): bigint {
  return subnet.network
}

export function lastAddress(subnet: Subnet): bigint {
  return subnet.network + sizeOf(subnet) - 1n
}

/** IPv4 broadcast address; IPv6 has none. */
export function broadcastOf(subnet: Subnet): bigint | undefined {
  return subnet.family === 4 ? lastAddress(subnet) : undefined
}

export function contains(subnet: Subnet, address: {family: Family; value: bigint}): boolean {
  return subnet.family === address.family && address.value >= subnet.network && address.value <= lastAddress(subnet)
}

export function overlaps(a: Subnet, b: Subnet): boolean {
  return a.family === b.family && a.network <= lastAddress(b) && b.network <= lastAddress(a)
}

export function isMulticast(address: {family: Family; value: bigint}): boolean {
  if (address.family === 4) return address.value >> 28n === 0xen
  return address.value >> 120n === 0xffn
}

export function isLoopback(address: {family: Family; value: bigint}): boolean {
  if (address.family === 4) return address.value >> 24n === 127n
  return address.value === 1n
}

export function isLinkLocal(address: {family: Family; value: bigint}): boolean {
  if (address.family === 4) return address.value >> 16n === 0xa9fen
  return address.value >> 118n === 0x3fan
}

/** Compact text of an address value (IPv6 in RFC 5952 form, as netaddr prints it). */
export function formatAddress(family: Family, value: bigint): string {
  const length = family === 4 ? 4 : 16
  const bytes: number[] = []
  for (let i = length - 1; i >= 0; i--) bytes.push(Number((value >> BigInt(i * 8)) & 0xffn))
  return ipaddr.fromByteArray(bytes).toString()
}

/** Normalise an address to its compact form (`FD00:0101:0:0::2` -> `fd00:101::2`); unchanged when invalid. */
export function compactAddress(text: string): string {
  const parsed = parseAddress(text)
  return parsed ? formatAddress(parsed.family, parsed.value) : text
}

function bytesToBigInt(bytes: number[]): bigint {
  let value = 0n
  for (const byte of bytes) value = (value << 8n) | BigInt(byte)
  return value
}
