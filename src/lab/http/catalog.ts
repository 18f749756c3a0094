/**
 * The Keystone catalog as the lab's services declare it: each mount lists its entries (http/lab-mounts.ts) and
 * Keystone renders them, in mount order, into every token.
 */
export interface CatalogEndpoint {
  interface: 'public' | 'internal' | 'admin'
  region: string
  url: string
}

export interface CatalogService {
  type: string
  name: string
  endpoints: CatalogEndpoint[]
}

/** Every endpoint of a service in `region`, on the three interfaces, at one URL. */
export function catalogEndpoints(region: string, url: string): CatalogEndpoint[] {
  return (['public', 'internal', 'admin'] as const).map((kind) => ({interface: kind, region, url}))
}
