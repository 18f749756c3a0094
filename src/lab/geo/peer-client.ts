import type {SystemPeerRecord} from './geo-tables.js'
import {PEER_USER_AGENT} from './lab-geo.js'

/**
 * How one lab site talks to another, as upstream's dcmanager does to its peer (dccommon's `PeerSiteDriver` and
 * `DcmanagerClient`): Keystone password authentication at the system peer's `manager-endpoint`, then the peer's
 * `dcmanager` endpoint (region SystemController) and `platform` endpoint (RegionOne) from the token's catalog.
 * Requests carry the User-Agent `dcmanager/1.0`, which makes the peer apply its "request from another DC" rules.
 * The lab listens on loopback only, and so does every peer it is given: nothing leaves the machine.
 */
export class PeerRequestError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message)
  }
}

/** Keystone answers within this (upstream: 10 s connect); a peer's dcmanager within this (upstream: 600 s). */
const KEYSTONE_TIMEOUT_MS = 10_000
const REQUEST_TIMEOUT_MS = 60_000

interface CatalogEntry {
  type: string
  endpoints: Array<{interface: string; region: string; url: string}>
}

export interface PeerSession {
  token: string
  dcmanagerUrl: string
  platformUrl: string
}

export class PeerSiteClient {
  private session?: PeerSession

  constructor(
    private readonly peer: Pick<SystemPeerRecord, 'managerEndpoint' | 'managerUsername' | 'managerPassword'>,
    /** Ends every request of this client at once (the site is stopping). */
    private readonly signal?: AbortSignal,
  ) {}

  /** Authenticate (once per client) and find the peer's endpoints. */
  async connect(): Promise<PeerSession> {
    if (this.session) return this.session
    const endpoint = this.peer.managerEndpoint.replace(/\/+$/, '')
    const response = await send(`${endpoint}/auth/tokens`, KEYSTONE_TIMEOUT_MS, this.signal, {
      method: 'POST',
      headers: {'content-type': 'application/json'},
      body: JSON.stringify({
        auth: {
          identity: {
            methods: ['password'],
            password: {
              user: {
                name: this.peer.managerUsername,
                password: decodeBase64(this.peer.managerPassword),
                domain: {name: 'Default'},
              },
            },
          },
          scope: {project: {name: 'admin', domain: {name: 'Default'}}},
        },
      }),
    })
    if (response.status !== 201) {
      throw new PeerRequestError(`Keystone of the peer site answered ${response.status}`, response.status)
    }
    const token = response.headers.get('x-subject-token') ?? ''
    const body = (await response.json()) as {token?: {catalog?: CatalogEntry[]}}
    const catalog = body.token?.catalog ?? []
    const find = (type: string, region: string) =>
      catalog
        .find((entry) => entry.type === type)
        ?.endpoints.find((item) => item.interface === 'public' && item.region === region)?.url
    const dcmanagerUrl = find('dcmanager', 'SystemController')
    const platformUrl = find('platform', 'RegionOne')
    if (!dcmanagerUrl || !platformUrl) throw new PeerRequestError('the peer site has no dcmanager or platform endpoint')
    this.session = {token, dcmanagerUrl: dcmanagerUrl.replace(/\/+$/, ''), platformUrl: platformUrl.replace(/\/+$/, '')}
    return this.session
  }

  /** The peer's own system (sysinv `GET /v1/isystems`, the first one). */
  async system(): Promise<{uuid: string; name: string}> {
    const session = await this.connect()
    const response = await send(`${session.platformUrl}/isystems`, REQUEST_TIMEOUT_MS, this.signal, {
      headers: {'x-auth-token': session.token, accept: 'application/json'},
    })
    const body = (await checked(response, 'GET isystems')) as {isystems?: Array<{uuid: string; name: string}>}
    const system = body.isystems?.[0]
    if (!system) throw new PeerRequestError('the peer site has no system')
    return system
  }

  /** A dcmanager call; JSON bodies; the parsed answer, or a PeerRequestError with the peer's status and text. */
  async dcmanager(method: string, path: string, body?: unknown): Promise<unknown> {
    const session = await this.connect()
    const headers: Record<string, string> = {
      'x-auth-token': session.token,
      accept: 'application/json',
      'user-agent': PEER_USER_AGENT,
    }
    let payload: string | FormData | undefined
    if (body instanceof FormData) payload = body
    else if (body !== undefined) {
      headers['content-type'] = 'application/json'
      payload = JSON.stringify(body)
    }
    const response = await send(`${session.dcmanagerUrl}${path}`, REQUEST_TIMEOUT_MS, this.signal, {
      method,
      headers,
      body: payload,
    })
    return checked(response, `${method} ${path}`)
  }
}

async function send(
  url: string,
  timeoutMs: number,
  stop: AbortSignal | undefined,
  init: RequestInit,
): Promise<Response> {
  const timeout = AbortSignal.timeout(timeoutMs)
  try {
    return await fetch(url, {...init, signal: stop ? AbortSignal.any([timeout, stop]) : timeout})
  } catch (error) {
    const cause = (error as {cause?: {code?: string; message?: string}}).cause
    throw new PeerRequestError(
      `Unable to connect to ${new URL(url).origin}: ${cause?.code ?? (error as Error).message}`,
    )
  }
}

/** A 2xx answer's JSON; anything else is an error carrying the peer's own text (webob JSON `description`). */
async function checked(response: Response, what: string): Promise<unknown> {
  const text = await response.text()
  if (response.status >= 200 && response.status < 300) return text ? (JSON.parse(text) as unknown) : null
  let detail = text
  try {
    const parsed = JSON.parse(text) as {description?: string; error?: {message?: string}}
    detail = parsed.description ?? parsed.error?.message ?? text
  } catch {
    // not JSON: keep the text
  }
  throw new PeerRequestError(`${what} on the peer site failed (${response.status}): ${detail.trim()}`, response.status)
}

function decodeBase64(value: string): string {
  const decoded = Buffer.from(value, 'base64')
  return decoded.toString('base64').replace(/=+$/, '') === value.replace(/=+$/, '') ? decoded.toString('utf8') : value
}
