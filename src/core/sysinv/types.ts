/**
 * The sysinv REST objects dcm reads and writes (host-routes.md §4). Only the fields dcm uses are typed;
 * servers send more, and those are passed through untouched.
 */
export interface SysinvHost {
  id: number
  uuid: string
  hostname: string
  personality?: string
  [field: string]: unknown
}

export interface SysinvInterface {
  uuid: string
  ifname: string
  ifclass?: string | null
  networktypelist?: string[]
  forihostid?: number
  [field: string]: unknown
}

export interface SysinvAddress {
  uuid: string
  address: string
  prefix: number
  interface_uuid?: string | null
  ifname?: string | null
  name?: string
  [field: string]: unknown
}

/** A route as the API returns it; single-route answers also carry the internal integer `id`. */
// A type alias (not an interface) so that stores typed with an index signature accept it.
export type SysinvRoute = {
  uuid: string
  interface_uuid: string
  ifname: string
  forihostid: number
  network: string
  prefix: number
  gateway: string
  metric: number
  id?: number
}

/**
 * The body of `POST /v1/routes`. Prefix and metric travel as strings, as cgts-client sends them; the
 * server accepts numeric strings.
 */
export interface RouteCreateBody {
  interface_uuid: string
  network: string
  prefix: string
  gateway: string
  metric: string
}

/** Columns of `system host-route-list` and rows of `host-route-show`/`-add`, in upstream order (§2.2). */
export const ROUTE_LIST_COLUMNS = ['uuid', 'ifname', 'network', 'prefix', 'gateway', 'metric'] as const
export const ROUTE_SHOW_FIELDS = [
  'uuid',
  'interface_uuid',
  'ifname',
  'forihostid',
  'network',
  'prefix',
  'gateway',
  'metric',
] as const

/** One entry of `GET /v1/isystems` (the fields dcm reads). */
export interface SysinvSystem {
  uuid: string
  name: string
  system_mode?: string
}
