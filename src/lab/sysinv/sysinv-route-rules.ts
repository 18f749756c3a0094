import {randomUUID} from 'node:crypto'

import {compactAddress, contains, parseAddress} from '../../core/net/cidr.js'
import {addressExpected, checkRouteSyntax, intLiteralError, parseIntLiteral} from '../../core/sysinv/route-syntax.js'
import type {InventoryInterface, SubcloudInventory} from './sysinv-inventory.js'
import type {LabRoute} from './sysinv-store.js'

/**
 * sysinv's `POST /v1/routes` and `DELETE /v1/routes/{uuid}` decisions (host-routes.md §6), in the
 * server's order, first failure wins, each with its status code and fault code. Pure: the service
 * supplies the inventory and the host's current routes and stores the result.
 */
export interface RouteFault {
  status: number
  faultcode: 'Client' | 'Server'
  message: string
}

export type RouteDecision = {ok: true; route: LabRoute} | {ok: false; fault: RouteFault}

/** Release deployment states in which sysinv refuses route changes (§6.2). */
export const UPGRADE_GUARD_STATES = new Set([
  'start',
  'start-done',
  'start-failed',
  'host-rollback',
  'host-rollback-done',
  'host-rollback-failed',
  'activate-rollback',
  'activate-rollback-done',
  'activate-rollback-failed',
  'activate-rollback-pending',
])

/** The ECMP limit `SYSINV_ROUTE_MAX_PATHS`. */
export const ROUTE_MAX_PATHS = 4

/** Network types a route may use (§6.4 rule 11). */
const ROUTABLE_NETWORK_TYPES = new Set(['data', 'mgmt', 'cluster-host', 'storage', 'oam', 'admin'])

const UUID_LIKE = /^\{?[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}\}?$/i

const BODY_KEYS = ['gateway', 'interface_uuid', 'metric', 'network', 'prefix'] as const

interface DecodedBody {
  interfaceUuid?: string
  network?: string
  prefix?: number
  gateway?: string
  metric?: number
}

export interface NewRouteContext {
  inventory: SubcloudInventory
  /** All routes of the host (the per-host checks 14-15 and the interface uniqueness 16). */
  hostRoutes: readonly LabRoute[]
  releaseDeployState?: string
  /** The next integer id of the routes table. */
  nextId: number
}

export function decideNewRoute(rawBody: Buffer, context: NewRouteContext): RouteDecision {
  const decoded = decodeBody(rawBody)
  if ('fault' in decoded) return {ok: false, fault: decoded.fault}
  const body = decoded.body

  const guard = upgradeGuard(context.releaseDeployState)
  if (guard) return {ok: false, fault: guard}

  // Missing fields reach validate_syntax as wsme `Unset` and fail there with Python's own errors (HTTP 500).
  if (body.network === undefined) return serverFault("unsupported operand type(s) for +: 'UnsetType' and 'str'")
  if (body.prefix === undefined) return serverFault('Invalid IP address and prefix')
  if (body.gateway === undefined) return serverFault('failed to detect a valid IP address from Unset')
  const syntax = checkRouteSyntax({
    network: body.network,
    prefix: body.prefix,
    gateway: body.gateway,
    metric: body.metric ?? 0,
  })
  if (!syntax.ok) return serverFault(syntax.message as string)
  if (body.metric === undefined) return serverFault("'<' not supported between instances of 'UnsetType' and 'int'")

  const iface = context.inventory.interfaces.find((i) => sameUuid(i.uuid, body.interfaceUuid))
  if (!iface) return clientFault(400, `No entry found for interface ${body.interfaceUuid ?? 'None'}`)
  const semantic = semanticFault(iface, body as Required<DecodedBody>, context)
  if (semantic) return {ok: false, fault: semantic}

  const network = compactAddress(body.network)
  const gateway = compactAddress(body.gateway)
  return {
    ok: true,
    route: {
      id: context.nextId,
      uuid: randomUUID(),
      interface_uuid: iface.uuid,
      ifname: iface.ifname,
      forihostid: context.inventory.host.id,
      network,
      prefix: body.prefix,
      gateway,
      metric: body.metric,
      family: parseAddress(network)?.family ?? 4,
    },
  }
}

/** The checks of `DELETE /v1/routes/{uuid}` (§6.5) that come before the lookup. */
export function deleteGuard(routeUuid: string, releaseDeployState: string | undefined): RouteFault | undefined {
  return upgradeGuard(releaseDeployState) ?? uuidPathFault(routeUuid)
}

/** A route uuid in a path that is not a uuid (§6.5, wsme wording). */
export function uuidPathFault(routeUuid: string): RouteFault | undefined {
  if (UUID_LIKE.test(routeUuid)) return undefined
  return {
    status: 400,
    faultcode: 'Client',
    message:
      `Invalid input for field/attribute route_uuid. Value: '${routeUuid}'. unable to convert to uuid. ` +
      `Error: Expected a uuid but received ${routeUuid}.`,
  }
}

export function sameUuid(a: string, b: string | undefined): boolean {
  if (b === undefined) return false
  const strip = (s: string) => s.replace(/[{}-]/g, '').toLowerCase()
  return strip(a) === strip(b)
}

function upgradeGuard(state: string | undefined): RouteFault | undefined {
  if (state === undefined || !UPGRADE_GUARD_STATES.has(state)) return undefined
  return {status: 409, faultcode: 'Client', message: `A major release deployment is in progress with state ${state}.`}
}

/** wsme's decoding of the body into the Route type (§6.1): JSON, then each attribute, then unknown keys. */
function decodeBody(rawBody: Buffer): {body: DecodedBody} | {fault: RouteFault} {
  const text = rawBody.toString('utf8')
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return {fault: clientFaultOf(400, 'Request is not in valid JSON format')}
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    return {fault: clientFaultOf(400, 'Request is not in valid JSON format')}
  }
  const record = value as Record<string, unknown>
  const body: DecodedBody = {}
  // wsme converts the known attributes in name order and reports unknown keys afterwards.
  for (const key of BODY_KEYS) {
    const field = record[key]
    if (field === undefined || field === null) continue
    if (key === 'gateway' || key === 'network') {
      if (typeof field !== 'string' || !parseAddress(field))
        return {fault: clientFaultOf(400, addressExpected(pyStr(field)))}
      body[key] = field
    } else if (key === 'interface_uuid') {
      if (typeof field !== 'string' || !UUID_LIKE.test(field)) {
        return {fault: clientFaultOf(400, `Expected a uuid but received ${pyStr(field)}.`)}
      }
      body.interfaceUuid = field
    } else {
      const number = pyInt(field)
      if (typeof number === 'string') {
        return {fault: clientFaultOf(400, `Invalid input for field/attribute route. Value: '${text}'. ${number}`)}
      }
      body[key] = number
    }
  }
  const unknown = Object.keys(record)
    .filter((key) => !(BODY_KEYS as readonly string[]).includes(key))
    .sort()
  if (unknown.length > 0) {
    const noun = unknown.length > 1 ? 'attributes' : 'attribute'
    return {fault: clientFaultOf(400, `Unknown ${noun} for argument route: ${unknown.join(', ')}`)}
  }
  return {body}
}

/** Python's `int(value)` on a JSON value: the number, or the text of the exception. */
function pyInt(value: unknown): number | string {
  if (typeof value === 'number')
    return Number.isFinite(value) ? Math.trunc(value) : `cannot convert float ${value} to integer`
  if (typeof value === 'boolean') return value ? 1 : 0
  if (typeof value === 'string') return parseIntLiteral(value) ?? intLiteralError(value)
  const typeName = Array.isArray(value) ? 'list' : 'dict'
  return `int() argument must be a string, a bytes-like object or a real number, not '${typeName}'`
}

/** How Python's str() shows a JSON value in a message. */
function pyStr(value: unknown): string {
  if (typeof value === 'string') return value
  if (typeof value === 'boolean') return value ? 'True' : 'False'
  return JSON.stringify(value)
}

function semanticFault(
  iface: InventoryInterface,
  body: Required<DecodedBody>,
  context: NewRouteContext,
): RouteFault | undefined {
  // Rule 10: a platform interface without any network cannot carry a route.
  if (iface.ifclass === 'platform' && iface.networktypelist.length === 0) {
    return clientFaultOf(409, 'The Interface does not have any network assigned to it.')
  }
  // Rule 11: only networks that can route.
  const refused = iface.networktypelist.find((type) => !ROUTABLE_NETWORK_TYPES.has(type))
  if (refused)
    return clientFaultOf(409, `Routes may not be configured against interfaces with network type '${refused}'`)

  const gateway = parseAddress(body.gateway) as NonNullable<ReturnType<typeof parseAddress>>
  // Rule 12: the gateway may not be one of the system's own addresses (gateway records excepted).
  const local = context.inventory.addresses.some((a) => {
    if (a.name.includes('gateway')) return false
    const address = parseAddress(a.address)
    return address?.family === gateway.family && address.value === gateway.value
  })
  if (local) return clientFaultOf(409, `Route gateway ${body.gateway} cannot be another local interface`)
  // Rule 13: reachable through an address (or pool) of this interface.
  if (!iface.subnets.some((subnet) => contains(subnet, gateway))) {
    return clientFaultOf(409, `Route gateway ${body.gateway} is not reachable by any address on this interface`)
  }

  const network = compactAddress(body.network)
  const gatewayText = compactAddress(body.gateway)
  const exists = clientFaultOf(
    409,
    `Route ${body.network}/${body.prefix} via ${body.gateway} already exists on this host.`,
  )
  const sameDestination = context.hostRoutes.filter((r) => r.network === network && r.prefix === body.prefix)
  // Rule 14: identical route (including metric) anywhere on the host.
  if (sameDestination.some((r) => r.gateway === gatewayText && r.metric === body.metric)) return exists
  // Rule 15: at most ROUTE_MAX_PATHS equal-cost paths per destination on the host.
  if (sameDestination.filter((r) => r.metric === body.metric).length >= ROUTE_MAX_PATHS) {
    return clientFaultOf(
      409,
      `Maximum number of paths (${ROUTE_MAX_PATHS}) already reached for ${body.network}/${body.prefix} already reached.`,
    )
  }
  // Rule 16: the table's unique key (family, network, prefix, gateway, interface) ignores the metric.
  if (sameDestination.some((r) => r.gateway === gatewayText && r.interface_uuid === iface.uuid)) return exists
  return undefined
}

function clientFaultOf(status: number, message: string): RouteFault {
  return {status, faultcode: 'Client', message}
}

function clientFault(status: number, message: string): RouteDecision {
  return {ok: false, fault: clientFaultOf(status, message)}
}

function serverFault(message: string): RouteDecision {
  return {ok: false, fault: {status: 500, faultcode: 'Server', message}}
}
