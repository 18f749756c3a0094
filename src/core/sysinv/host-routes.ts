import type {KeystoneSession} from '../api/keystone.js'
import {ConnectionError} from '../errors.js'
import type {Cell} from '../output/types.js'
import type {RouteSpec} from './route-input.js'
import {SysinvApiError, SysinvClient} from './sysinv-client.js'
import type {SysinvRoute} from './types.js'

/**
 * What `dcm host-route-*` do, as `system host-route-*` does it (host-routes.md §2): look up the host and
 * interface, then call the routes API. Input has already passed the client-side syntax checks.
 */

/** The sysinv of the region the operator's environment names (OS_REGION_NAME), from the catalog. */
export async function sysinvFor(session: KeystoneSession, regionName: string | undefined): Promise<SysinvClient> {
  // Authentication failures surface here; below, only the catalog lookup can fail.
  await session.authenticate()
  let endpoint: string
  try {
    endpoint = await session.endpointFor('platform', {region: regionName})
  } catch (error) {
    if (!(error instanceof ConnectionError)) throw error
    // A cached token carries the catalog of its time, which may predate the region (a subcloud added
    // since): ask Keystone once more before saying the region has no sysinv.
    await session.authenticate({force: true})
    endpoint = await session.endpointFor('platform', {region: regionName})
  }
  return new SysinvClient(session, endpoint.replace(/\/+$/, ''))
}

export interface AddRouteRequest {
  /** The region the sysinv was found in (OS_REGION_NAME), named by the hint of a wrong-region failure. */
  regionName?: string
  host: string
  interfaceRef: string
  route: RouteSpec
  /** Treat "already exists" for an identical route as success (host-routes.md §7). */
  ifNotExists?: boolean
}

export interface AddRouteResult {
  route: SysinvRoute
  /** True when --if-not-exists found the identical route already there. */
  existed: boolean
}

export async function addHostRoute(client: SysinvClient, request: AddRouteRequest): Promise<AddRouteResult> {
  const host = await client.findHost(request.host)
  const iface = await client.findInterface(host, request.interfaceRef)
  const {network, prefix, gateway, metric} = request.route
  try {
    const route = await client.createRoute({
      interface_uuid: iface.uuid,
      network,
      prefix: String(prefix),
      gateway,
      metric: String(metric),
    })
    return {route, existed: false}
  } catch (error) {
    if (isGatewayUnreachable(error) && isSystemControllerRegion(request.regionName))
      throw withWrongRegionHint(error, request.regionName)
    if (!request.ifNotExists || !isAlreadyExists(error)) throw error
    // Rule 14/16 fired: succeed only when the route on this interface is exactly the one asked for.
    const existing = (await client.listHostRoutes(host.uuid)).find(
      (r) =>
        r.interface_uuid === iface.uuid &&
        r.network === network &&
        Number(r.prefix) === prefix &&
        r.gateway === gateway &&
        Number(r.metric) === metric,
    )
    if (!existing) throw error
    return {route: existing, existed: true}
  }
}

/**
 * The usual cause of "Route gateway ... is not reachable by any address on this interface" in the guide: the
 * route went to the System Controller's sysinv (whose interface has no address in the subcloud's management
 * subnet) instead of the subcloud's own. sysinv's text stays; the hint says where the route should go.
 */
function isGatewayUnreachable(error: unknown): error is SysinvApiError {
  return error instanceof SysinvApiError && /^Route gateway \S+ is not reachable/.test(error.message)
}

/** The System Controller's own regions (StarlingX names them so); a subcloud's region is its own name or uuid. */
function isSystemControllerRegion(regionName: string | undefined): boolean {
  return regionName === undefined || regionName === 'RegionOne' || regionName === 'SystemController'
}

function withWrongRegionHint(error: SysinvApiError, regionName: string | undefined): SysinvApiError {
  const region = regionName ? `region ${regionName}` : 'the default region'
  return new SysinvApiError(
    error.message,
    error.status,
    error.faultcode,
    `this went to the sysinv of ${region}; a subcloud's route goes to the subcloud's own sysinv: ` +
      `set OS_REGION_NAME to its region (source /etc/platform/openrc on the subcloud; with the lab, ` +
      `eval "$(dcm lab env --subcloud NAME)")`,
  )
}

function isAlreadyExists(error: unknown): boolean {
  return (
    error instanceof SysinvApiError && error.status === 409 && / already exists on this host\.$/.test(error.message)
  )
}

/** The host's routes sorted by interface name, as `system host-route-list` prints them. */
export async function listHostRoutes(client: SysinvClient, hostRef: string): Promise<SysinvRoute[]> {
  const host = await client.findHost(hostRef)
  const routes = await client.listHostRoutes(host.uuid)
  // Array.prototype.sort is stable: routes of one interface keep the server's order, as Python's sorted().
  return [...routes].sort((a, b) => (a.ifname < b.ifname ? -1 : a.ifname > b.ifname ? 1 : 0))
}

export async function showHostRoute(client: SysinvClient, uuid: string): Promise<SysinvRoute> {
  return client.getRoute(uuid)
}

export async function deleteHostRoute(client: SysinvClient, uuid: string): Promise<void> {
  await client.deleteRoute(uuid)
}

/** A route's fields in the order of the given columns (null where a server left one out). */
export function routeCells(route: SysinvRoute, columns: readonly string[]): Cell[] {
  const record = route as unknown as Record<string, Cell>
  return columns.map((column) => record[column] ?? null)
}

/** The route as a record of the given columns, in their order (what --json returns). */
export function routeRecord(route: SysinvRoute, columns: readonly string[]): Record<string, Cell> {
  const cells = routeCells(route, columns)
  return Object.fromEntries(columns.map((column, i) => [column, cells[i]]))
}
