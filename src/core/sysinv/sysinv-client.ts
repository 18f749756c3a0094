import {OperationError} from '../errors.js'
import type {SessionRequest} from '../api/keystone.js'
import {expectList, expectObject} from '../api/response-shape.js'
import type {HttpResponse} from '../api/transport.js'
import {parseSysinvError} from './error-body.js'
import type {RouteCreateBody, SysinvHost, SysinvInterface, SysinvRoute, SysinvSystem} from './types.js'

/**
 * The part of the sysinv REST API (service type `platform`, host-routes.md §3-4) that host routes use,
 * over an authenticated Keystone session: requests carry the token, re-authenticate once on 401, and
 * failures become one-line errors carrying sysinv's own text.
 */
export interface AuthenticatedRequester {
  request(request: SessionRequest): Promise<HttpResponse>
}

/** A non-2xx sysinv answer: the message is the server's faultstring alone, as `system` prints it. */
export class SysinvApiError extends OperationError {
  constructor(
    message: string,
    readonly status: number,
    readonly faultcode: string | undefined,
    hint?: string,
  ) {
    super(message, {hint})
  }
}

const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i

export function looksLikeUuid(text: string): boolean {
  return UUID.test(text)
}

export class SysinvClient {
  /** @param endpoint the catalog URL, ending in `/v1` */
  constructor(
    private readonly session: AuthenticatedRequester,
    readonly endpoint: string,
  ) {}

  /** cgts-client's host lookup (§2.1): by id or uuid directly, otherwise by hostname in the list. */
  async findHost(ref: string): Promise<SysinvHost> {
    if (/^\d+$/.test(ref) || looksLikeUuid(ref)) {
      const response = await this.send('GET', `/ihosts/${encodeURIComponent(ref)}`)
      if (response.status === 404) throw new OperationError(`host not found: ${ref}`)
      return expectObject<SysinvHost>(this.expectJson(response, [200]), this.name('GET', `/ihosts/${ref}`), 200, [
        'uuid',
      ])
    }
    const ihosts = expectList<SysinvHost>(
      this.expectJson(await this.send('GET', '/ihosts'), [200]),
      'ihosts',
      this.name('GET', '/ihosts'),
      200,
    )
    const host = ihosts.find((candidate) => candidate.hostname === ref)
    if (!host) throw new OperationError(`host not found: ${ref}`)
    return host
  }

  async listInterfaces(hostUuid: string): Promise<SysinvInterface[]> {
    const response = await this.send('GET', `/ihosts/${encodeURIComponent(hostUuid)}/iinterfaces`)
    return expectList<SysinvInterface>(
      this.expectJson(response, [200]),
      'iinterfaces',
      this.name('GET', `/ihosts/${hostUuid}/iinterfaces`),
      200,
    )
  }

  /** The first interface of the host named `ref` or with uuid `ref` (§2.1). */
  async findInterface(host: SysinvHost, ref: string): Promise<SysinvInterface> {
    const interfaces = await this.listInterfaces(host.uuid)
    const found = interfaces.find((iface) => iface.ifname === ref || iface.uuid === ref)
    if (!found) throw new OperationError(`Interface not found: host ${host.hostname} interface ${ref}`)
    return found
  }

  async listHostRoutes(hostUuid: string): Promise<SysinvRoute[]> {
    const response = await this.send('GET', `/ihosts/${encodeURIComponent(hostUuid)}/routes`)
    return expectList<SysinvRoute>(
      this.expectJson(response, [200]),
      'routes',
      this.name('GET', `/ihosts/${hostUuid}/routes`),
      200,
    )
  }

  async getRoute(uuid: string): Promise<SysinvRoute> {
    const response = await this.send('GET', `/routes/${encodeURIComponent(uuid)}`)
    return expectObject<SysinvRoute>(this.expectJson(response, [200]), this.name('GET', `/routes/${uuid}`), 200, [
      'uuid',
    ])
  }

  /** POST /v1/routes answers 200 (not 201) with the route; the CLI then reads it back (§2). */
  async createRoute(body: RouteCreateBody): Promise<SysinvRoute> {
    const answer = await this.send('POST', '/routes', body)
    const created = expectObject<SysinvRoute>(
      this.expectJson(answer, [200, 201]),
      this.name('POST', '/routes'),
      answer.status,
      ['uuid'],
    )
    const response = await this.send('GET', `/routes/${encodeURIComponent(created.uuid)}`)
    if (response.status === 404) throw new OperationError(`Created Route UUID not found: ${created.uuid}`)
    return expectObject<SysinvRoute>(
      this.expectJson(response, [200]),
      this.name('GET', `/routes/${created.uuid}`),
      200,
      ['uuid'],
    )
  }

  async deleteRoute(uuid: string): Promise<void> {
    this.expectStatus(await this.send('DELETE', `/routes/${encodeURIComponent(uuid)}`), [200, 204])
  }

  /** The system this sysinv belongs to (`GET /v1/isystems`, one entry): its UUID names it to its peers. */
  async getSystem(): Promise<SysinvSystem> {
    const systems = expectList<SysinvSystem>(
      this.expectJson(await this.send('GET', '/isystems'), [200]),
      'isystems',
      this.name('GET', '/isystems'),
      200,
    )
    if (!systems[0]?.uuid) throw new OperationError(`sysinv at ${this.endpoint} lists no system`)
    return systems[0]
  }

  private send(method: string, path: string, body?: unknown): Promise<HttpResponse> {
    const headers: Record<string, string> = {accept: 'application/json'}
    if (body !== undefined) headers['content-type'] = 'application/json'
    return this.session.request({
      method,
      url: `${this.endpoint}${path}`,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    })
  }

  private expectStatus(response: HttpResponse, ok: number[]): void {
    if (ok.includes(response.status)) return
    const fault = parseSysinvError(response.status, response.headers['content-type'], response.text())
    throw new SysinvApiError(fault.message, response.status, fault.faultcode, hintFor(response.status))
  }

  private name(method: string, path: string): string {
    return `${method} ${this.endpoint}${path}`
  }

  private expectJson(response: HttpResponse, ok: number[]): unknown {
    this.expectStatus(response, ok)
    if (response.body.length === 0) return undefined
    try {
      return response.json()
    } catch {
      throw new OperationError(
        `sysinv at ${this.endpoint} answered HTTP ${response.status} with a body that is not JSON`,
      )
    }
  }
}

/** sysinv's text says what is wrong; the hint only adds what dcm knows and sysinv does not. */
function hintFor(status: number): string | undefined {
  if (status === 403) return 'the token was refused for this region: check OS_PROJECT_NAME and the user role'
  if (status === 404) return undefined
  if (status >= 500) return `sysinv answered HTTP ${status}`
  return undefined
}
