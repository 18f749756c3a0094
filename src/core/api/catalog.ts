/**
 * The Keystone v3 service catalog and endpoint selection (dcmanager-api.md §1.4): by service type and
 * interface, optionally by region. dcmanager itself is looked up without a region filter, as the
 * upstream client does: StarlingX registers it in region `SystemController` while openrc sets
 * OS_REGION_NAME=RegionOne, so filtering by OS_REGION_NAME would find nothing.
 */
export interface CatalogEndpoint {
  id?: string
  interface: string
  region?: string
  region_id?: string
  url: string
}

export interface CatalogEntry {
  type: string
  name?: string
  id?: string
  endpoints: CatalogEndpoint[]
}

export type EndpointInterface = 'public' | 'internal' | 'admin'

/** Accepts the spellings operators have in their environments: internalURL, internal, publicURL, ... */
export function normaliseInterface(value: string | undefined): EndpointInterface | undefined {
  if (!value) return undefined
  const bare = value.trim().toLowerCase().replace(/url$/, '')
  return bare === 'public' || bare === 'internal' || bare === 'admin' ? bare : undefined
}

export interface EndpointQuery {
  interface?: EndpointInterface
  region?: string
}

/** The first endpoint matching the query in catalog order, or undefined. */
export function findEndpoint(catalog: CatalogEntry[], serviceType: string, query: EndpointQuery): string | undefined {
  for (const service of catalog) {
    if (service.type !== serviceType) continue
    for (const endpoint of service.endpoints ?? []) {
      if (query.interface && endpoint.interface !== query.interface) continue
      if (query.region && (endpoint.region_id ?? endpoint.region) !== query.region && endpoint.region !== query.region)
        continue
      return endpoint.url
    }
  }
  return undefined
}

/**
 * The URL a lookup without a region answers, per service type and interface: the first endpoint in catalog order,
 * as findEndpoint picks it. A System Controller's catalog lists every subcloud's endpoints (megabytes at 5,000
 * subclouds); this index is what the token cache keeps beside the token, so a cached command never reads the catalog
 * to find dcmanager.
 */
export type EndpointIndex = Record<string, string>

export function endpointIndexKey(serviceType: string, endpointInterface: string): string {
  return `${serviceType} ${endpointInterface}`
}

export function indexEndpoints(catalog: CatalogEntry[]): EndpointIndex {
  const index: EndpointIndex = {}
  for (const service of catalog) {
    for (const endpoint of service.endpoints ?? []) {
      const key = endpointIndexKey(service.type, endpoint.interface)
      if (typeof endpoint.url === 'string' && !Object.hasOwn(index, key)) index[key] = endpoint.url
    }
  }
  return index
}

/** The regions that have an endpoint of this type and interface, in catalog order, without repeats. */
export function regionsOffering(catalog: CatalogEntry[], serviceType: string, endpointInterface: string): string[] {
  const regions = catalog
    .filter((service) => service.type === serviceType)
    .flatMap((service) => service.endpoints ?? [])
    .filter((endpoint) => endpoint.interface === endpointInterface)
    .map((endpoint) => endpoint.region_id ?? endpoint.region)
    .filter((region): region is string => Boolean(region))
  return [...new Set(regions)]
}

/** What the catalog offers for a type, for an error message that helps choose another interface/region. */
export function describeOffers(catalog: CatalogEntry[], serviceType: string): string {
  const offers = catalog
    .filter((service) => service.type === serviceType)
    .flatMap((service) => service.endpoints ?? [])
    .map((endpoint) => `${endpoint.interface}${endpoint.region ? `@${endpoint.region}` : ''}`)
  return offers.length > 0 ? offers.join(', ') : 'none'
}
