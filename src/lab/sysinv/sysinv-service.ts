import type {LabService} from '../http/http-types.js'
import {routedService} from '../http/routed-service.js'
import {inventoryOf} from './sysinv-inventory.js'
import {inventoryRoutes} from './sysinv-inventory-api.js'
import {methodNotAllowed, pecanNotFound, type Site, type SysinvContext, unauthorized} from './sysinv-http.js'
import {routeRoutes} from './sysinv-routes-api.js'
import type {SysinvLabStore, SysinvSubcloudRecord} from './sysinv-store.js'
import {systemRoutes, type SysinvSystem} from './sysinv-system-api.js'

/**
 * The lab's sysinv REST API (host-routes.md §4-6): one sysinv per subcloud, mounted at
 * `<mount>/<region name>/v1`, which is the `platform` endpoint the lab's Keystone catalog lists for that
 * region. It serves the subcloud's controller-0, its interfaces and addresses, and its routes with every
 * rule, status code and error body of the real server. Routes live in the lab store, so the store's
 * availability audit sees each change. Resources: sysinv-inventory-api.ts (hosts, interfaces, addresses) and
 * sysinv-routes-api.ts (routes); shared answers in sysinv-http.ts.
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
  /** The System Controller's own system (`GET /v1/isystems` in its region). */
  system?: () => SysinvSystem
}

export function createSysinvService(store: SysinvLabStore, options: SysinvServiceOptions): LabService {
  const context: SysinvContext = {
    store,
    mountPath: options.mountPath,
    limitMax: options.apiLimitMax ?? 1000,
    site: (params) => siteOf(params.region)!,
  }
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
    routes: [...systemRoutes(context, options.system), ...inventoryRoutes(context), ...routeRoutes(context)],
  })

  function siteOf(region: string): Site | undefined {
    const sc = options.systemController
    if (sc && region === sc.record.regionName) {
      return {record: sc.record, storeKey: sc.storeKey, inventory: inventoryOf(sc.record), region}
    }
    const record = store.subcloudByRegion(region)
    return record ? {record, storeKey: record.name, inventory: inventoryOf(record), region} : undefined
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
