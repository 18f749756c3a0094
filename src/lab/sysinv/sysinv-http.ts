import type {LabRequest, LabResponse} from '../http/http-types.js'
import type {LabRoute, RouteParams} from '../http/route-table.js'
import type {SubcloudInventory} from './sysinv-inventory.js'
import type {RouteFault} from './sysinv-route-rules.js'
import type {SysinvLabStore, SysinvSubcloudRecord} from './sysinv-store.js'

/**
 * What the lab's sysinv resource modules share: the system a request's region names (`Site`), the service's
 * settings, and the answers of sysinv's pecan/wsme stack (JSON, double-encoded faults, pecan's own errors,
 * keystonemiddleware's 401). A resource module (sysinv-inventory-api.ts, sysinv-routes-api.ts) is a
 * `SysinvFamily`: a function from this context to its routes, below `/:region/v1`.
 */
export interface Site {
  record: SysinvSubcloudRecord
  /** Where the store keeps this system's routes: the subcloud's name. */
  storeKey: string
  inventory: SubcloudInventory
  /** The region, as requested (for links). */
  region: string
}

export interface SysinvContext {
  store: SysinvLabStore
  /** The path the service is mounted at, for links. */
  mountPath: string
  /** sysinv's `api_limit_max`. */
  limitMax: number
  /** The system of a matched route's `:region` (the service's guard answered 404 for unknown ones). */
  site(params: RouteParams): Site
}

export type SysinvFamily = (context: SysinvContext) => LabRoute[]

export function hostUrl(request: LabRequest): string {
  const host = request.headers.host ?? '127.0.0.1'
  const proto = request.headers['x-forwarded-proto'] === 'https' ? 'https' : 'http'
  return `${proto}://${host}`
}

export function client(status: number, message: string): RouteFault {
  return {status, faultcode: 'Client', message}
}

export function json(status: number, body: unknown): LabResponse {
  return {status, headers: {'content-type': 'application/json'}, body}
}

/** The parsable-error middleware's double-encoded body (§5). */
export function fault(f: RouteFault): LabResponse {
  const inner = JSON.stringify({faultcode: f.faultcode, faultstring: f.message, debuginfo: null})
  return json(f.status, {error_message: inner})
}

/** Errors raised by pecan itself carry only a faultstring (§5). */
export function pecanError(status: number, message: string): LabResponse {
  return json(status, {error_message: JSON.stringify({faultstring: message})})
}

export function pecanNotFound(): LabResponse {
  return pecanError(404, 'The resource could not be found.')
}

export function methodNotAllowed(method: string): LabResponse {
  return pecanError(405, `The method ${method} is not allowed for this resource.`)
}

/** keystonemiddleware's answer to a request without a valid token. */
export function unauthorized(): LabResponse {
  return {
    status: 401,
    headers: {'content-type': 'application/json', 'www-authenticate': "Keystone uri='/identity/v3'"},
    body: {error: {code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.'}},
  }
}
