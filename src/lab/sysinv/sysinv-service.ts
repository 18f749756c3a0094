import type {LabRequest, LabResponse, LabService} from '../http/http-types.js'
import {routedService} from '../http/routed-service.js'
import type {RouteParams} from '../http/route-table.js'
import {inventoryOf, type InventoryInterface, type SubcloudInventory} from './sysinv-inventory.js'
import {decideNewRoute, deleteGuard, sameUuid, uuidPathFault, type RouteFault} from './sysinv-route-rules.js'
import type {LabRoute, SysinvLabStore, SysinvSubcloudRecord} from './sysinv-store.js'

/**
 * The lab's sysinv REST API (host-routes.md §4-6): one sysinv per subcloud, mounted at
 * `<mount>/<region name>/v1`, which is the `platform` endpoint the lab's Keystone catalog lists for that
 * region. It serves the subcloud's controller-0, its interfaces and addresses, and its routes with every
 * rule, status code and error body of the real server. Routes live in the lab store, so the store's
 * availability audit sees each change.
 */
/** Where the lab server mounts sysinv; the catalog's `platform` URLs are `<lab>/sysinv/<region>/v1`. */
export const SYSINV_MOUNT_PREFIX = '/sysinv'

export interface SysinvServiceOptions {
  /** The path the lab server mounts this service at (e.g. `/sysinv`), for the `next` links of lists. */
  mountPath: string
  /** sysinv's `api_limit_max`: the most items one list answer carries. */
  apiLimitMax?: number
  /**
   * The System Controller's own sysinv (its controller-0), served in its region (RegionOne), the other
   * `platform` endpoint of the lab's catalog. Its routes are kept in the store under `storeKey`.
   */
  systemController?: {record: SysinvSubcloudRecord; storeKey: string}
}

const ROUTE_SORT_KEYS = new Set(['id', 'uuid', 'network', 'prefix', 'gateway', 'metric', 'ifname', 'interface_uuid'])

export function createSysinvService(store: SysinvLabStore, options: SysinvServiceOptions): LabService {
  const limitMax = options.apiLimitMax ?? 1000
  // Every route below the region's `/v1`; `site` finds the system the region names (checked by the guard).
  const site = (params: RouteParams): Site => siteOf(params.region)!
  const hostRoutes = (request: LabRequest, params: RouteParams) => {
    const here = site(params)
    const hostMatches = isHost(here.inventory, params.host)
    return routeList(
      here,
      request,
      (r) => hostMatches && r.forihostid === here.inventory.host.id,
      `ihosts/${params.host}/routes`,
    )
  }
  const interfaceOf = (here: Site, ref: string) => here.inventory.interfaces.find((i) => sameUuid(i.uuid, ref))

  return routedService({
    segments: sysinvSegments,
    // The region is looked up before the token is checked, and both before routing.
    guard: (request, [region]) => {
      if (!siteOf(region)) return pecanNotFound()
      if (!request.token) return unauthorized()
      return undefined
    },
    notFound: () => pecanNotFound(),
    methodNotAllowed: (request) => methodNotAllowed(request.method),
    routes: [
      {
        method: 'GET',
        path: '/:region/v1',
        handler: (request, params) => json(200, versionDocument(request, site(params), options.mountPath)),
      },
      {
        method: 'GET',
        path: '/:region/v1/ihosts',
        handler: (request, params) => json(200, {ihosts: [hostJson(site(params))]}),
      },
      {
        method: 'GET',
        path: '/:region/v1/ihosts/:host',
        handler: (request, params) => {
          const here = site(params)
          return isHost(here.inventory, params.host) ? json(200, hostJson(here)) : fault(notFoundHost(params.host))
        },
      },
      // Lists under an unknown (well-formed) parent are empty, not 404, as sysinv's collection filters are.
      {
        method: 'GET',
        path: '/:region/v1/ihosts/:host/iinterfaces',
        handler: (request, params) => {
          const here = site(params)
          const interfaces = isHost(here.inventory, params.host) ? here.inventory.interfaces : []
          return json(200, {iinterfaces: interfaces.map((i) => interfaceJson(here, i))})
        },
      },
      {
        method: 'GET',
        path: '/:region/v1/ihosts/:host/addresses',
        handler: (request, params) => {
          const here = site(params)
          return json(200, {addresses: isHost(here.inventory, params.host) ? addressesJson(here) : []})
        },
      },
      {method: 'GET', path: '/:region/v1/ihosts/:host/routes', handler: hostRoutes},
      // Another sub-collection of a host is unknown; other methods on it are 405, as on the host's own lists.
      {method: 'GET', path: '/:region/v1/ihosts/:host/:other', handler: () => pecanNotFound()},
      {
        method: 'GET',
        path: '/:region/v1/iinterfaces',
        handler: (request, params) => {
          const here = site(params)
          return json(200, {iinterfaces: here.inventory.interfaces.map((i) => interfaceJson(here, i))})
        },
      },
      {
        method: 'GET',
        path: '/:region/v1/iinterfaces/:interface',
        handler: (request, params) => {
          const here = site(params)
          const iface = interfaceOf(here, params.interface)
          return iface
            ? json(200, interfaceJson(here, iface))
            : fault(client(404, `Interface ${params.interface} could not be found.`))
        },
      },
      {
        method: 'GET',
        path: '/:region/v1/iinterfaces/:interface/addresses',
        handler: (request, params) => {
          const here = site(params)
          const iface = interfaceOf(here, params.interface)
          return json(200, {addresses: iface ? addressesJson(here, iface) : []})
        },
      },
      {
        method: 'GET',
        path: '/:region/v1/iinterfaces/:interface/routes',
        handler: (request, params) => {
          const here = site(params)
          const iface = interfaceOf(here, params.interface)
          return routeList(
            here,
            request,
            (r) => !!iface && r.interface_uuid === iface.uuid,
            `iinterfaces/${params.interface}/routes`,
          )
        },
      },
      {method: 'GET', path: '/:region/v1/iinterfaces/:interface/:other', handler: () => pecanNotFound()},
      {
        method: 'GET',
        path: '/:region/v1/routes',
        handler: (request, params) => routeList(site(params), request, () => true, 'routes'),
      },
      {method: 'POST', path: '/:region/v1/routes', handler: (request, params) => createRoute(site(params), request)},
      {
        method: 'GET',
        path: '/:region/v1/routes/:route',
        handler: (request, params) => showRoute(site(params), params.route),
      },
      {
        method: 'DELETE',
        path: '/:region/v1/routes/:route',
        handler: (request, params) => deleteRoute(site(params), params.route),
      },
    ],
  })

  function siteOf(region: string): Site | undefined {
    const sc = options.systemController
    if (sc && region === sc.record.regionName) {
      return {record: sc.record, storeKey: sc.storeKey, inventory: inventoryOf(sc.record), region}
    }
    const record = store.subcloudByRegion(region)
    return record ? {record, storeKey: record.name, inventory: inventoryOf(record), region} : undefined
  }

  function routesOf(site: Site): LabRoute[] {
    return store.routesOf(site.storeKey).map((stored) => asLabRoute(stored, site.inventory))
  }

  async function createRoute(site: Site, request: LabRequest): Promise<LabResponse> {
    const routes = routesOf(site)
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

  function showRoute(site: Site, id: string): LabResponse {
    const invalid = uuidPathFault(id)
    if (invalid) return fault(invalid)
    const found = routesOf(site).find((r) => sameUuid(r.uuid, id))
    return found ? json(200, routeJson(found, true)) : fault(notFoundRoute(id))
  }

  async function deleteRoute(site: Site, id: string): Promise<LabResponse> {
    const guard = deleteGuard(id, store.releaseDeployState?.(site.storeKey))
    if (guard) return fault(guard)
    const routes = routesOf(site)
    const found = routes.find((r) => sameUuid(r.uuid, id))
    if (!found) return fault(notFoundRoute(id))
    await store.setRoutes(
      site.storeKey,
      routes.filter((r) => r !== found),
    )
    return {status: 204}
  }

  /** A routes collection with sysinv's paging (marker, limit, sort_key, sort_dir, `next`). */
  function routeList(site: Site, request: LabRequest, keep: (r: LabRoute) => boolean, resource: string): LabResponse {
    const query = request.query
    const sortDir = query.get('sort_dir') ?? 'asc'
    if (sortDir !== 'asc' && sortDir !== 'desc') {
      return fault(client(400, `Invalid sort direction: ${sortDir}. Acceptable values are 'asc' or 'desc'`))
    }
    const sortKey = query.get('sort_key') ?? 'id'
    if (!ROUTE_SORT_KEYS.has(sortKey)) {
      return fault(client(400, `The sort_key value "${sortKey}" is an invalid field for sorting`))
    }
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
    let routes = routesOf(site)
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
      body.next = `${hostUrl(request)}${options.mountPath}/${site.region}/v1/${resource}?sort_key=${sortKey}&sort_dir=${sortDir}&limit=${limit}&marker=${last}`
    }
    return json(200, body)
  }
}

/**
 * `/<region>/v1/...` as segments `[region, 'v1', ...]`, percent-decoded, empty segments dropped; undefined
 * (404) for any other path or a malformed escape.
 */
function sysinvSegments(path: string): string[] | undefined {
  const match = /^\/([^/]+)\/v1(\/.*)?$/.exec(path)
  return match ? decodeSegments(`${match[1]}/v1${match[2] ?? ''}`) : undefined
}

/** Path segments, percent-decoded; undefined when an escape is malformed (pecan answers 404). */
function decodeSegments(path: string): string[] | undefined {
  try {
    return path
      .split('/')
      .filter(Boolean)
      .map((segment) => decodeURIComponent(segment))
  } catch {
    return undefined
  }
}

interface Site {
  record: SysinvSubcloudRecord
  /** Where the store keeps this system's routes: the subcloud's name. */
  storeKey: string
  inventory: SubcloudInventory
  /** The region, as requested (for links). */
  region: string
}

function isHost(inventory: SubcloudInventory, ref: string): boolean {
  const host = inventory.host
  return ref === String(host.id) || sameUuid(host.uuid, ref) || ref === host.hostname
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

function hostJson(site: Site): Record<string, unknown> {
  const {host} = site.inventory
  return {
    id: host.id,
    uuid: host.uuid,
    hostname: host.hostname,
    personality: 'controller',
    subfunctions: 'controller,worker',
    administrative: 'unlocked',
    operational: 'enabled',
    availability: 'available',
    invprovision: 'provisioned',
    mgmt_mac: host.mgmtMac,
    mgmt_ip: host.mgmtIp,
    capabilities: {is_max_cpu_configurable: 'configurable', Personality: 'Controller-Active'},
    location: {},
    install_state: null,
    install_state_info: null,
    created_at: null,
    updated_at: null,
  }
}

function interfaceJson(site: Site, iface: InventoryInterface): Record<string, unknown> {
  return {
    uuid: iface.uuid,
    ifname: iface.ifname,
    iftype: iface.iftype,
    ifclass: iface.ifclass,
    imtu: 1500,
    networktypelist: iface.networktypelist,
    forihostid: site.inventory.host.id,
    ihost_uuid: site.inventory.host.uuid,
    ipv4_mode: iface.networktypelist.length > 0 ? 'static' : null,
    ipv6_mode: null,
    uses: [],
    used_by: [],
    vlan_id: null,
    created_at: null,
    updated_at: null,
  }
}

function addressesJson(site: Site, only?: InventoryInterface): Record<string, unknown>[] {
  return site.inventory.addresses
    .filter((a) => a.interfaceUuid !== null && (!only || a.interfaceUuid === only.uuid))
    .map((a) => ({
      uuid: a.uuid,
      interface_uuid: a.interfaceUuid,
      ifname: a.ifname,
      address: a.address,
      prefix: a.prefix,
      family: a.family,
      enable_dad: false,
      forihostid: site.inventory.host.id,
      name: a.name,
    }))
}

function versionDocument(request: LabRequest, site: Site, mountPath: string): Record<string, unknown> {
  return {
    id: 'v1',
    links: [{href: `${hostUrl(request)}${mountPath}/${site.region}/v1/`, rel: 'self'}],
    media_types: [{base: 'application/json', type: 'application/vnd.openstack.sysinv.v1+json'}],
  }
}

function hostUrl(request: LabRequest): string {
  const host = request.headers.host ?? '127.0.0.1'
  const proto = request.headers['x-forwarded-proto'] === 'https' ? 'https' : 'http'
  return `${proto}://${host}`
}

function client(status: number, message: string): RouteFault {
  return {status, faultcode: 'Client', message}
}

function notFoundRoute(id: string): RouteFault {
  return client(404, `Route ${id} could not be found.`)
}

function notFoundHost(id: string): RouteFault {
  return client(404, `Server ${id} could not be found.`)
}

function json(status: number, body: unknown): LabResponse {
  return {status, headers: {'content-type': 'application/json'}, body}
}

/** The parsable-error middleware's double-encoded body (§5). */
function fault(f: RouteFault): LabResponse {
  const inner = JSON.stringify({faultcode: f.faultcode, faultstring: f.message, debuginfo: null})
  return json(f.status, {error_message: inner})
}

/** Errors raised by pecan itself carry only a faultstring (§5). */
function pecanError(status: number, message: string): LabResponse {
  return json(status, {error_message: JSON.stringify({faultstring: message})})
}

function pecanNotFound(): LabResponse {
  return pecanError(404, 'The resource could not be found.')
}

function methodNotAllowed(method: string): LabResponse {
  return pecanError(405, `The method ${method} is not allowed for this resource.`)
}

/** keystonemiddleware's answer to a request without a valid token. */
function unauthorized(): LabResponse {
  return {
    status: 401,
    headers: {'content-type': 'application/json', 'www-authenticate': "Keystone uri='/identity/v3'"},
    body: {error: {code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.'}},
  }
}
