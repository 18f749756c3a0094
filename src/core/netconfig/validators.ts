import {
  type Family,
  type Subnet,
  broadcastOf,
  contains,
  formatAddress,
  hasHostBits,
  isLinkLocal,
  isLoopback,
  isMulticast,
  overlaps,
  parseAddress,
  parseSubnet,
  sizeOf,
} from '../net/cidr.js'

/**
 * The answers config-management accepts, checked in upstream's order with upstream's texts
 * (spec config-management.md §3), followed by the checks upstream lacked (§5 "Weak checks"), whose texts
 * follow upstream's style or reuse the sysinv/controllerconfig texts that already exist for them.
 * The same functions check a prompt answer (the message is printed and the question asked again) and a
 * flag (the message becomes a usage error naming the flag).
 */
export const MESSAGES = {
  invalidInterface: 'Invalid interface name',
  invalidCidr: 'Invalid CIDR - please enter a valid management IP address in CIDR notation.',
  invalidGateway: 'Invalid address - please enter a valid management gateway IP address',
  networkAddress: 'Cannot use network address',
  broadcastAddress: 'Cannot use broadcast address',
  multicast: 'Invalid address - multicast address not allowed',
  loopback: 'Invalid address - loopback address not allowed',
  notInSubnet: 'Address must be in the management subnet',
  invalidSubnet: 'Invalid subnet - not a valid IP subnet',
  subnetTooSmall: 'Subnet too small - must have at least 8 addresses',
  ipv6MinimumPrefix: 'IPv6 minimum prefix length is 64',
  subnetOverlaps: 'Subnet overlaps with another configured subnet',
  // dcm's additions.
  linkLocal: 'Invalid address - link-local address not allowed',
  unspecified: 'Invalid address - unspecified address not allowed',
  gatewayIsAddress: 'Invalid address - the gateway cannot be the management address',
  subnetNotUnicast: 'Invalid subnet - multicast, loopback and link-local subnets not allowed',
  /** controllerconfig utils.validate_address_str's text. */
  versionMismatch: (family: Family) => `Invalid IP version - must match network version IPv${family}`,
  /** sysinv's text for a route network with host bits set (host-routes.md). */
  hostBits: (typed: string, real: string) => `Invalid IP network ${typed} expecting ${real}`,
} as const

export type Checked<T> = {ok: true; value: T} | {ok: false; message: string}

export interface IpAddress {
  family: Family
  value: bigint
  /** Compact text (`fd00:101::10`). */
  text: string
}

export interface ManagementAddress extends IpAddress {
  prefix: number
  /** The management subnet, host bits cleared. */
  subnet: Subnet
  /** `<address>/<prefix>` as given to `ip addr add`, normalised like netaddr prints it. */
  cidr: string
}

/** Upstream's interface check: one of the listed names (lo is never listed). */
export function checkInterface(answer: string, interfaces: string[]): Checked<string> {
  return interfaces.includes(answer) ? {ok: true, value: answer} : {ok: false, message: MESSAGES.invalidInterface}
}

/** Step 6: the management address in CIDR notation (a bare address is a /32 or /128, as netaddr reads it). */
export function checkManagementAddress(answer: string): Checked<ManagementAddress> {
  const subnet = parseSubnet(answer)
  if (!subnet) return {ok: false, message: MESSAGES.invalidCidr}
  const address: IpAddress = {
    family: subnet.family,
    value: subnet.address,
    text: formatAddress(subnet.family, subnet.address),
  }
  const message = usableAddressProblem(address, subnet) ?? extraAddressProblem(address)
  if (message) return {ok: false, message}
  return {ok: true, value: {...address, prefix: subnet.prefix, subnet, cidr: `${address.text}/${subnet.prefix}`}}
}

/** The default upstream offers at the gateway prompt: the first address after the network address. */
export function defaultGateway(management: ManagementAddress): string {
  return formatAddress(management.family, management.subnet.network + 1n)
}

/** Step 7: the gateway, with the same rules as the address plus membership of the management subnet. */
export function checkGateway(answer: string, management: ManagementAddress): Checked<IpAddress> {
  const parsed = parseAddress(answer)
  if (!parsed) return {ok: false, message: MESSAGES.invalidGateway}
  const gateway: IpAddress = {...parsed, text: formatAddress(parsed.family, parsed.value)}
  const message =
    usableAddressProblem(gateway, management.subnet) ??
    extraAddressProblem(gateway) ??
    (gateway.value === management.value && gateway.family === management.family ? MESSAGES.gatewayIsAddress : undefined)
  return message ? {ok: false, message} : {ok: true, value: gateway}
}

/** Step 8: upstream's validate_network_str(subnet, 8), then dcm's checks against the management subnet. */
export function checkSystemControllerSubnet(answer: string, management?: ManagementAddress): Checked<Subnet> {
  const subnet = parseSubnet(answer)
  if (!subnet) return {ok: false, message: MESSAGES.invalidSubnet}
  if (sizeOf(subnet) < 8n) return {ok: false, message: MESSAGES.subnetTooSmall}
  if (subnet.family === 6 && subnet.prefix < 64) return {ok: false, message: MESSAGES.ipv6MinimumPrefix}
  // Upstream passed host bits on to `ip route add`, which the kernel refuses ("Invalid prefix").
  if (hasHostBits(subnet)) return {ok: false, message: MESSAGES.hostBits(answer.trim(), subnet.text)}
  const network = {family: subnet.family, value: subnet.network}
  if (isMulticast(network) || isLoopback(network) || isLinkLocal(network))
    return {ok: false, message: MESSAGES.subnetNotUnicast}
  if (management) {
    if (subnet.family !== management.family) return {ok: false, message: MESSAGES.versionMismatch(management.family)}
    if (overlaps(subnet, management.subnet)) return {ok: false, message: MESSAGES.subnetOverlaps}
  }
  return {ok: true, value: subnet}
}

/** Upstream's is_valid_management_address(ip, subnet): first failing check wins. */
function usableAddressProblem(address: IpAddress, subnet: Subnet): string | undefined {
  const sameFamily = address.family === subnet.family
  if (sameFamily && address.value === subnet.network) return MESSAGES.networkAddress
  if (sameFamily && address.value === broadcastOf(subnet)) return MESSAGES.broadcastAddress
  if (isMulticast(address)) return MESSAGES.multicast
  if (isLoopback(address)) return MESSAGES.loopback
  if (!contains(subnet, address)) return MESSAGES.notInSubnet
  return undefined
}

/** What upstream let through: link-local and unspecified addresses cannot carry the management network. */
function extraAddressProblem(address: IpAddress): string | undefined {
  if (isLinkLocal(address)) return MESSAGES.linkLocal
  const unspecified = address.family === 4 ? address.value >> 24n === 0n : address.value === 0n
  if (unspecified) return MESSAGES.unspecified
  return undefined
}
