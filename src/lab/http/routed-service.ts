import type {LabRequest, LabResponse, LabService} from './http-types.js'
import {type LabRoute, type RouteParams, RouteTable, splitPath} from './route-table.js'

/**
 * The one way a lab service answers requests: a route table plus the few things that differ between the
 * upstream servers the lab stands in for (how a path becomes segments, what runs before a route, and what
 * "not found", "method not allowed" and a thrown error look like on the wire). The result is a plain
 * `LabService`, which the lab server mounts under a prefix (./lab-mounts.ts).
 *
 * Order of work, which the status codes depend on:
 *   1. `segments(path)`; undefined answers `notFound`.
 *   2. Match the route table. A matched `public` route is served at once.
 *   3. `guard` (authentication, a per-path lookup such as sysinv's region): a response it returns is the answer,
 *      for unknown paths too, as upstream checks the token before routing.
 *   4. The matched route, else `methodNotAllowed` when the path matched another method, else `notFound`.
 * Anything thrown in 3-4 goes to `onError` (default: rethrown, and the server answers 500).
 */
export interface RoutedServiceSpec {
  routes: LabRoute[]
  /** Path below the mount prefix -> segments (default `splitPath`); undefined: not found. */
  segments?: (path: string) => string[] | undefined
  /** Percent-decode route parameters after matching (a malformed escape throws, see `onError`). */
  decodeParams?: boolean
  guard?: (request: LabRequest, segments: string[]) => LabResponse | undefined | Promise<LabResponse | undefined>
  notFound: (request: LabRequest) => LabResponse
  methodNotAllowed: (request: LabRequest) => LabResponse
  onError?: (error: unknown, request: LabRequest) => LabResponse
}

export function routedService(spec: RoutedServiceSpec): LabService {
  const table = new RouteTable(spec.routes)
  const split = spec.segments ?? splitPath

  return async (request) => {
    const segments = split(request.path)
    if (!segments) return spec.notFound(request)
    const match = table.match(segments, request.method)
    try {
      if (match.kind === 'route' && match.route.public) return await serve(request, match.route, match.params)
      const refused = await spec.guard?.(request, segments)
      if (refused) return refused
      if (match.kind === 'route') return await serve(request, match.route, match.params)
      return match.kind === 'method-not-allowed' ? spec.methodNotAllowed(request) : spec.notFound(request)
    } catch (error) {
      if (spec.onError) return spec.onError(error, request)
      throw error
    }
  }

  function serve(request: LabRequest, route: LabRoute, params: RouteParams): Promise<LabResponse> | LabResponse {
    return route.handler(request, spec.decodeParams ? decodeAll(params) : params)
  }
}

function decodeAll(params: RouteParams): RouteParams {
  return Object.fromEntries(Object.entries(params).map(([name, value]) => [name, decodeURIComponent(value)]))
}
