import {OperationError} from '../errors.js'
import {type Family, formatAddress, parseAddress, parseSubnet} from '../net/cidr.js'
import {COMMAND_NOT_FOUND, type Executor, formatArgv} from './executor.js'

/**
 * The host's links, addresses and routes, read through `ip -j` (iproute2's JSON output) rather than by
 * scraping text: interface names come from `ifname`, so VLAN and veth names never carry the `@parent`
 * suffix that `ip -o link` prints and `ip link set` refuses.
 */
export interface LinkState {
  name: string
  /** Administratively up (`ip link set NAME up` was done). */
  up: boolean
  /** The kernel sees a carrier (LOWER_UP): only such links can have LLDP neighbours. */
  carrier: boolean
  /** The kernel's operstate, lower case: up, down, lowerlayerdown, unknown, ... */
  operstate: string
  mac: string
  loopback: boolean
}

export interface AddressState {
  interface: string
  family: Family
  /** Compact text, e.g. 192.168.101.10 or fd00:101::10. */
  address: string
  prefix: number
  scope: string
}

export interface RouteState {
  family: Family
  /** Canonical destination `<network>/<prefix>`; `default` becomes 0.0.0.0/0 or ::/0. */
  destination: string
  gateway?: string
  device?: string
  protocol?: string
  metric?: number
}

export interface NetworkState {
  links: LinkState[]
  addresses: AddressState[]
  /** Routes of the main table, both families. */
  routes: RouteState[]
}

export const READ_COMMANDS = {
  links: ['ip', '-j', 'link', 'show'],
  addresses: ['ip', '-j', 'addr', 'show'],
  routes4: ['ip', '-j', '-4', 'route', 'show', 'table', 'main'],
  routes6: ['ip', '-j', '-6', 'route', 'show', 'table', 'main'],
} as const

export async function readNetworkState(executor: Executor): Promise<NetworkState> {
  const [links, addresses, routes4, routes6] = await Promise.all([
    readJson(executor, [...READ_COMMANDS.links]),
    readJson(executor, [...READ_COMMANDS.addresses]),
    readJson(executor, [...READ_COMMANDS.routes4]),
    readJson(executor, [...READ_COMMANDS.routes6]),
  ])
  return {
    links: parseLinks(links),
    addresses: parseAddresses(addresses),
    routes: [...parseRoutes(routes4, 4), ...parseRoutes(routes6, 6)],
  }
}

async function readJson(executor: Executor, argv: string[]): Promise<unknown> {
  const result = await executor.run(argv)
  if (result.code === COMMAND_NOT_FOUND)
    throw new OperationError(`cannot read the network state on ${executor.where}: ${result.stderr.trim()}`, {
      hint: 'install iproute2 (apt-get install iproute2)',
    })
  if (result.code !== 0)
    throw new OperationError(`\`${formatArgv(argv)}\` failed (exit ${result.code}): ${firstLine(result.stderr)}`)
  // `ip -j route show` prints nothing at all for an empty table on some iproute2 versions.
  if (result.stdout.trim() === '') return []
  try {
    return JSON.parse(result.stdout)
  } catch {
    throw new OperationError(`\`${formatArgv(argv)}\` printed something that is not JSON`, {
      hint: 'dcm needs iproute2 4.14 or newer (ip -j)',
    })
  }
}

export function firstLine(text: string): string {
  return text.trim().split('\n')[0] ?? ''
}

type Json = Record<string, unknown>

function records(value: unknown): Json[] {
  return Array.isArray(value) ? value.filter((v): v is Json => typeof v === 'object' && v !== null) : []
}

export function parseLinks(json: unknown): LinkState[] {
  return records(json)
    .filter((link) => typeof link.ifname === 'string')
    .map((link) => {
      const flags = Array.isArray(link.flags) ? (link.flags as string[]) : []
      return {
        name: link.ifname as string,
        up: flags.includes('UP'),
        carrier: flags.includes('LOWER_UP'),
        operstate: String(link.operstate ?? 'unknown').toLowerCase(),
        mac: typeof link.address === 'string' ? link.address : '',
        loopback: flags.includes('LOOPBACK') || link.link_type === 'loopback',
      }
    })
}

export function parseAddresses(json: unknown): AddressState[] {
  const out: AddressState[] = []
  for (const link of records(json)) {
    if (typeof link.ifname !== 'string') continue
    for (const info of records(link.addr_info)) {
      const parsed = typeof info.local === 'string' ? parseAddress(info.local) : undefined
      if (!parsed || typeof info.prefixlen !== 'number') continue
      out.push({
        interface: link.ifname,
        family: parsed.family,
        address: formatAddress(parsed.family, parsed.value),
        prefix: info.prefixlen,
        scope: String(info.scope ?? ''),
      })
    }
  }
  return out
}

export function parseRoutes(json: unknown, family: Family): RouteState[] {
  const out: RouteState[] = []
  for (const route of records(json)) {
    // Only unicast routes: `ip route add` creates those; local/broadcast/unreachable entries are not ours.
    if (route.type !== undefined && route.type !== 'unicast') continue
    const destination = canonicalDestination(String(route.dst ?? ''), family)
    if (!destination) continue
    const gateway = typeof route.gateway === 'string' ? parseAddress(route.gateway) : undefined
    out.push({
      family,
      destination,
      gateway: gateway ? formatAddress(gateway.family, gateway.value) : undefined,
      device: typeof route.dev === 'string' ? route.dev : undefined,
      protocol: typeof route.protocol === 'string' ? route.protocol : undefined,
      metric: typeof route.metric === 'number' ? route.metric : undefined,
    })
  }
  return out
}

function canonicalDestination(dst: string, family: Family): string | undefined {
  if (dst === 'default') return family === 4 ? '0.0.0.0/0' : '::/0'
  // A host route is printed without its prefix (`10.0.0.1`); parseSubnet reads that as /32 or /128.
  const subnet = parseSubnet(dst)
  return subnet && subnet.family === family ? subnet.text : undefined
}
