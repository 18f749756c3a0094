import type {LabRequest, LabResponse} from '../http/http-types.js'
import type {SubcloudInventory} from './sysinv-inventory.js'
import {decideNewRoute, deleteGuard, sameUuid, uuidPathFault, type RouteFault} from './sysinv-route-rules.js'
import type {LabRoute} from './sysinv-store.js'
import {client, fault, hostUrl, json, type Site, type SysinvContext, type SysinvFamily} from './sysinv-http.js'

/**
 * `/v1/routes` of sysinv (host-routes.md §4-6): list with sysinv's paging, show, create with every rule of
 * the real server (sysinv-route-rules.ts), delete. The same paged list serves a host's and an interface's
 * routes (sysinv-inventory-api.ts).
 */
export const routeRoutes: SysinvFamily = (context) => [
  {
    method: 'GET',
    path: '/:region/v1/routes',
    handler: (request, params) => routeList(context, context.site(params), request, () => true, 'routes'),
  },
  {
    method: 'POST',
    path: '/:region/v1/routes',
    handler: (request, params) => createRoute(context, context.site(params), request),
  },
  {
    method: 'GET',
    path: '/:region/v1/routes/:route',
    handler: (request, params) => showRoute(context, context.site(params), params.route),
  },
  {
    method: 'DELETE',
    path: '/:region/v1/routes/:route',
    handler: (request, params) => deleteRoute(context, context.site(params), params.route),
  },
]

const ROUTE_SORT_KEYS = new Set(['id', 'uuid', 'network', 'prefix', 'gateway', 'metric', 'ifname', 'interface_uuid'])

function routesOf({store}: Pick<SysinvContext, 'store'>, site: Site): LabRoute[] {
  return store.routesOf(site.storeKey).map((stored) => asLabRoute(stored, site.inventory))
}

async function createRoute({store}: SysinvContext, site: Site, request: LabRequest): Promise<LabResponse> {
  const routes = routesOf({store}, site)
  const decision = decideNewRoute(request.body, {
    inventory: site.inventory,
    hostRoutes: routes.filter((r) => r.forihostid === site.inventory.host.id),
    releaseDeployState: store.releaseDeployState?.(site.storeKey),
    nextId: routes.reduce((max, r) => Math.max(max, r.id), 0) + 1,
  })
  if (!decision.ok) return fault(decision.fault)
  // Checks and write happen in one synchronous step (the store updates memory before awaiting the disk).
  await store.setRoutes(site.storeKey, [...routes, decision.route])
  return json(200, routeJson(decision.route, true))
}

function showRoute({store}: SysinvContext, site: Site, id: string): LabResponse {
  const invalid = uuidPathFault(id)
  if (invalid) return fault(invalid)
  const found = routesOf({store}, site).find((r) => sameUuid(r.uuid, id))
  return found ? json(200, routeJson(found, true)) : fault(notFoundRoute(id))
}

async function deleteRoute({store}: SysinvContext, site: Site, id: string): Promise<LabResponse> {
  const guard = deleteGuard(id, store.releaseDeployState?.(site.storeKey))
  if (guard) return fault(guard)
  const routes = routesOf({store}, site)
  const found = routes.find((r) => sameUuid(r.uuid, id))
  if (!found) return fault(notFoundRoute(id))
  await store.setRoutes(
    site.storeKey,
    routes.filter((r) => r !== found),
  )
  return {status: 204}
}

/** A routes collection with sysinv's paging (marker, limit, sort_key, sort_dir, `next`). */
export function routeList(
  context: SysinvContext,
  site: Site,
  request: LabRequest,
  keep: (r: LabRoute) => boolean,
  resource: string,
): LabResponse {
  const query = request.query
  const sortDir = query.get('sort_dir') ?? 'asc'
  if (sortDir !== 'asc' && sortDir !== 'desc') {
    return fault(client(400, `Invalid sort direction: ${sortDir}. Acceptable values are 'asc' or 'desc'`))
  }
  const sortKey = query.get('sort_key') ?? 'id'
  if (!ROUTE_SORT_KEYS.has(sortKey)) {
    return fault(client(400, `The sort_key value "${sortKey}" is an invalid field for sorting`))
  }
  const {limitMax} = context
  let limit = limitMax
  const limitText = query.get('limit')
  if (limitText !== null) {
    const parsed = Number(limitText)
    if (!Number.isInteger(parsed))
      return fault(
        client(400, `Invalid input for field/attribute limit. Value: '${limitText}'. unable to convert to int`),
      )
    if (parsed < 0) return fault(client(400, 'Limit must be positive'))
    limit = parsed === 0 ? limitMax : Math.min(parsed, limitMax)
  }
  let routes = routesOf(context, site)
    .filter(keep)
    .sort((a, b) => compareBy(a, b, sortKey) * (sortDir === 'desc' ? -1 : 1) || a.id - b.id)
  const marker = query.get('marker')
  if (marker !== null) {
    const index = routes.findIndex((r) => sameUuid(r.uuid, marker))
    if (index < 0) return fault(notFoundRoute(marker))
    routes = routes.slice(index + 1)
  }
  const page = routes.slice(0, limit)
  const body: Record<string, unknown> = {routes: page.map((r) => routeJson(r, false))}
  if (page.length === limit && routes.length > limit) {
    const last = page[page.length - 1].uuid
    body.next = `${hostUrl(request)}${context.mountPath}/${site.region}/v1/${resource}?sort_key=${sortKey}&sort_dir=${sortDir}&limit=${limit}&marker=${last}`
  }
  return json(200, body)
}

function notFoundRoute(id: string): RouteFault {
  return client(404, `Route ${id} could not be found.`)
}

/** A stored route with every API field, whatever an older state file kept. */
function asLabRoute(
  stored: {network: string; prefix: number; [field: string]: unknown},
  inventory: SubcloudInventory,
): LabRoute {
  const iface = inventory.interfaces.find((i) => i.uuid === stored.interface_uuid)
  const text = (key: string, fallback: string) => (typeof stored[key] === 'string' ? (stored[key] as string) : fallback)
  const number = (key: string, fallback: number) =>
    typeof stored[key] === 'number' ? (stored[key] as number) : fallback
  return {
    uuid: text('uuid', ''),
    interface_uuid: text('interface_uuid', iface?.uuid ?? ''),
    ifname: text('ifname', iface?.ifname ?? ''),
    forihostid: number('forihostid', inventory.host.id),
    network: stored.network,
    prefix: stored.prefix,
    gateway: text('gateway', ''),
    metric: number('metric', 1),
    id: number('id', 0),
    family: stored.network.includes(':') ? 6 : 4,
  }
}

function compareBy(a: LabRoute, b: LabRoute, key: string): number {
  const x = (a as unknown as Record<string, string | number>)[key]
  const y = (b as unknown as Record<string, string | number>)[key]
  if (typeof x === 'number' && typeof y === 'number') return x - y
  return String(x) < String(y) ? -1 : String(x) > String(y) ? 1 : 0
}

/** The route object in the API's field order; single-route answers add the integer id (§4). */
function routeJson(route: LabRoute, withId: boolean): Record<string, unknown> {
  const body: Record<string, unknown> = {
    uuid: route.uuid,
    interface_uuid: route.interface_uuid,
    ifname: route.ifname,
    forihostid: route.forihostid,
    network: route.network,
    prefix: route.prefix,
    gateway: route.gateway,
    metric: route.metric,
  }
  if (withId) body.id = route.id
  return body
}
