import type {LabRequest, LabResponse} from './http-types.js'

/**
 * The lab's one route table: pecan-like matching of a path, split into segments, against declared patterns
 * (`/subclouds` a collection, `/subclouds/:subcloud` an item, `/subclouds/:subcloud/detail` an item action).
 * Every lab service (Keystone, dcmanager, sysinv, the lab's own endpoints) declares its routes this way and is
 * mounted with `routedService` (./routed-service.ts).
 *
 * Matching rules, which the services' answers depend on:
 * - Routes are tried in declaration order; the first whose pattern and method both match wins, so a literal
 *   segment (`/ihosts/:host/routes`) must come before a parameter in the same place (`/ihosts/:host/:other`).
 * - A `:name` segment matches one non-empty segment; a literal matches itself only.
 * - Method `*` matches any method, tried after every route with the request's own method: a service uses it
 *   for the answers upstream gives to other methods on a known path (404 where pecan has no handler).
 * - A path that matches some pattern but no method is "method not allowed"; one that matches none is "not
 *   found". The service decides what those look like (webob HTML, pecan JSON, Keystone JSON, ...).
 */
export type RouteParams = Record<string, string>

export type RouteHandler<Request extends LabRequest = LabRequest> = (
  request: Request,
  params: RouteParams,
) => Promise<LabResponse> | LabResponse

export interface LabRoute<Request extends LabRequest = LabRequest> {
  /** An HTTP method, or `*` for any method (tried last). */
  method: string
  /** `/literal/:param/...`; `/` is the service's root. */
  path: string
  handler: RouteHandler<Request>
  /** Served before the service's guard (authentication): a version document, for instance. */
  public?: boolean
}

interface CompiledRoute<Request extends LabRequest> {
  route: LabRoute<Request>
  segments: Array<{literal: string} | {param: string}>
}

export type RouteMatch<Request extends LabRequest> =
  {kind: 'route'; route: LabRoute<Request>; params: RouteParams} | {kind: 'method-not-allowed'} | {kind: 'not-found'}

export class RouteTable<Request extends LabRequest = LabRequest> {
  private readonly compiled: Array<CompiledRoute<Request>>

  constructor(routes: Array<LabRoute<Request>>) {
    this.compiled = routes.map((route) => ({route, segments: compilePattern(route.path)}))
  }

  /** Match path segments (as `splitPath` makes them) and a method. */
  match(segments: string[], method: string): RouteMatch<Request> {
    let pathMatched = false
    let fallback: {route: LabRoute<Request>; params: RouteParams} | undefined
    for (const candidate of this.compiled) {
      const params = matchSegments(candidate.segments, segments)
      if (!params) continue
      pathMatched = true
      if (candidate.route.method === method) return {kind: 'route', route: candidate.route, params}
      if (candidate.route.method === '*') fallback ??= {route: candidate.route, params}
    }
    if (fallback) return {kind: 'route', ...fallback}
    return pathMatched ? {kind: 'method-not-allowed'} : {kind: 'not-found'}
  }
}

function compilePattern(pattern: string): CompiledRoute<LabRequest>['segments'] {
  return splitPath(pattern).map((segment) => (segment.startsWith(':') ? {param: segment.slice(1)} : {literal: segment}))
}

function matchSegments(pattern: CompiledRoute<LabRequest>['segments'], segments: string[]): RouteParams | undefined {
  if (pattern.length !== segments.length) return undefined
  const params: RouteParams = {}
  for (const [index, part] of pattern.entries()) {
    const segment = segments[index]
    if ('literal' in part) {
      if (segment !== part.literal) return undefined
    } else {
      if (segment === '') return undefined
      params[part.param] = segment
    }
  }
  return params
}

/**
 * The segments of a path as dcmanager's routes see it: one trailing slash is optional, every other empty
 * segment stays (and so matches nothing), nothing is decoded. `/` has no segments.
 */
export function splitPath(path: string): string[] {
  if (path === '/' || path === '') return []
  const trimmed = path.endsWith('/') ? path.slice(0, -1) : path
  return trimmed.replace(/^\//, '').split('/')
}
