import {ConnectionError, OperationError} from '../errors.js'
import {registerSecret} from '../secrets.js'
import {
  type CatalogEntry,
  describeOffers,
  type EndpointIndex,
  endpointIndexKey,
  type EndpointInterface,
  type EndpointQuery,
  findEndpoint,
  indexEndpoints,
  regionsOffering,
} from './catalog.js'
import {describeErrorBody} from './error-body.js'
import {describeJson, isJsonObject} from './response-shape.js'
import {type CacheKey, isFresh, type TokenCache} from './token-cache.js'
import type {HttpRequest, HttpResponse, HttpTransport} from './transport.js'

/**
 * A Keystone v3 session (dcmanager-api.md §1.2-1.4): password or token authentication scoped to a
 * project, the service catalog, and authenticated requests that re-authenticate once when a service
 * answers 401/403 (the upstream client's rule, §1.3). Generic over services: the dcmanager and sysinv
 * clients both take a session and ask it for their endpoint.
 */
export interface KeystoneCredentials {
  authUrl: string
  username?: string
  userId?: string
  password?: string
  /** An existing token (OS_AUTH_TOKEN): re-scoped through Keystone like keystoneauth does. */
  token?: string
  userDomainName?: string
  userDomainId?: string
  projectName?: string
  projectId?: string
  projectDomainName?: string
  projectDomainId?: string
}

export interface AuthState {
  token: string
  expiresAt: string
  projectId: string
  userId: string
  /** The URL of each service type and interface in any region (catalog.ts indexEndpoints). */
  endpoints: EndpointIndex
  /** The whole catalog; a token from the cache has it only once a lookup by region needed it. */
  catalog?: CatalogEntry[]
}

export interface SessionOptions {
  /** Token cache; undefined = always ask Keystone (`--no-cache`). */
  cache?: TokenCache
  /** Skip the cache on the first authentication but store the new token (`--refresh-cache`). */
  refreshCache?: boolean
  /** Never ask Keystone: without a valid cached token, fail (shell completion must not log in or prompt). */
  cacheOnly?: boolean
  /** Interface used when a lookup does not name one (OS_INTERFACE / OS_ENDPOINT_TYPE). */
  defaultInterface?: EndpointInterface
  now?: () => number
}

export interface SessionRequest {
  method: string
  url: string
  headers?: Record<string, string>
  body?: string | Buffer
}

export class KeystoneSession {
  private state?: AuthState
  private pending?: Promise<AuthState>
  private v3Url?: string

  constructor(
    readonly transport: HttpTransport,
    private readonly credentials: KeystoneCredentials,
    private readonly options: SessionOptions = {},
  ) {
    registerSecret(credentials.password)
    registerSecret(credentials.token)
  }

  get defaultInterface(): EndpointInterface {
    return this.options.defaultInterface ?? 'internal'
  }

  /** A valid token, from memory, the cache, or Keystone (in that order unless `force`). */
  async authenticate(options: {force?: boolean} = {}): Promise<AuthState> {
    const now = (this.options.now ?? Date.now)()
    if (!options.force && this.state && isFresh(this.state.expiresAt, now)) return this.state
    if (!options.force && this.pending) return this.pending
    this.pending = this.obtain(Boolean(options.force)).finally(() => (this.pending = undefined))
    this.state = await this.pending
    return this.state
  }

  /** The URL of a service from the catalog; fails with exit 3 and the offers when there is none. */
  async endpointFor(serviceType: string, query: EndpointQuery = {}): Promise<string> {
    const state = await this.authenticate()
    const wanted = {interface: query.interface ?? this.defaultInterface, region: query.region}
    // Any region (dcmanager's lookup): the index answers without the catalog.
    const indexed = wanted.region ? undefined : state.endpoints[endpointIndexKey(serviceType, wanted.interface)]
    if (indexed) return indexed.replace(/\/+$/, '')
    const catalog = await this.catalogOf(state)
    const url = findEndpoint(catalog, serviceType, wanted)
    if (url) return url.replace(/\/+$/, '')
    const where = `interface ${wanted.interface}${wanted.region ? `, region ${wanted.region}` : ''}`
    const regions = regionsOffering(catalog, serviceType, wanted.interface)
    if (wanted.region && regions.length > 0) {
      // The interface exists, only not in this region: the region is what is wrong, not --os-interface.
      throw new ConnectionError(`no ${serviceType} endpoint (${where}) in the Keystone catalog`, {
        hint: `region ${wanted.region} is not one of the catalog's: ${regions.join(', ')}; check OS_REGION_NAME (--os-region-name)`,
      })
    }
    throw new ConnectionError(`no ${serviceType} endpoint (${where}) in the Keystone catalog`, {
      hint: `the catalog offers: ${describeOffers(catalog, serviceType)}; choose with --os-interface${
        serviceType === 'dcmanager' ? ' or pass --dcmanager-url' : ''
      }`,
    })
  }

  /**
   * The catalog of a token: in memory, else the one cached with it, else from Keystone again (its cached copy
   * is gone or not ours). A cache-only session without one has an empty catalog, so the lookup fails.
   */
  private async catalogOf(state: AuthState): Promise<CatalogEntry[]> {
    if (state.catalog) return state.catalog
    const cached = await this.options.cache?.getCatalog(this.cacheKey(), state.token)
    if (cached) return (state.catalog = cached)
    if (this.options.cacheOnly) return []
    return (await this.authenticate({force: true})).catalog ?? []
  }

  /**
   * Send a request with the token headers. On 401/403 the token is replaced once (bypassing the cache)
   * and the request repeated; a second 401 means the credentials are not accepted: exit 3.
   */
  async request(request: SessionRequest): Promise<HttpResponse> {
    let state = await this.authenticate()
    let response = await this.transport.request(withToken(request, state))
    if (response.status !== 401 && response.status !== 403) return response
    await this.options.cache?.delete(this.cacheKey())
    state = await this.authenticate({force: true})
    response = await this.transport.request(withToken(request, state))
    if (response.status === 401) {
      const message = describeErrorBody(401, response.headers['content-type'], response.text())
      throw new ConnectionError(`${origin(request.url)} rejected a fresh token: ${message} (HTTP 401)`, {
        hint: 'check that the service uses the same Keystone as OS_AUTH_URL',
      })
    }
    return response
  }

  private async obtain(force: boolean): Promise<AuthState> {
    const key = this.cacheKey()
    if (!force && !this.options.refreshCache && this.options.cache) {
      const cached = await this.options.cache.get(key)
      if (cached) {
        registerSecret(cached.token)
        return cached
      }
    }
    if (this.options.cacheOnly) throw new ConnectionError('no valid cached token (cache-only session)')
    const state = await this.issueToken()
    await this.options.cache?.put(key, {...state, catalog: state.catalog ?? []})
    return state
  }

  private async issueToken(): Promise<AuthState & {catalog: CatalogEntry[]}> {
    const v3 = await this.discoverV3()
    const body = JSON.stringify(tokenRequestBody(this.credentials))
    const response = await this.transport.request({
      method: 'POST',
      url: `${v3}/auth/tokens`,
      headers: {'content-type': 'application/json', accept: 'application/json'},
      body,
    })
    if (response.status !== 201 && response.status !== 200) {
      const message = describeErrorBody(response.status, response.headers['content-type'], response.text())
      throw new ConnectionError(
        `authentication at ${this.credentials.authUrl} failed: ${message} (HTTP ${response.status})`,
        {
          hint:
            response.status === 401
              ? 'check OS_USERNAME, OS_PASSWORD, OS_PROJECT_NAME and the domain names (source your openrc)'
              : 'check OS_AUTH_URL',
        },
      )
    }
    const token = response.headers['x-subject-token']
    let parsed: unknown
    try {
      parsed = response.json()
    } catch {
      throw new ConnectionError(`Keystone at ${this.credentials.authUrl} sent a token response that is not JSON`)
    }
    if (!token) {
      throw new ConnectionError(`Keystone at ${this.credentials.authUrl} sent no token (X-Subject-Token missing)`)
    }
    const tokenBody = isJsonObject(parsed) && isJsonObject(parsed.token) ? parsed.token : undefined
    const catalog = tokenBody?.catalog ?? []
    if (!tokenBody || !Array.isArray(catalog) || !catalog.every(isJsonObject)) {
      throw new ConnectionError(
        `POST ${v3}/auth/tokens: Keystone answered HTTP ${response.status} with ${
          tokenBody ? 'a catalog that is not a list of services' : `${describeJson(parsed)} instead of a token`
        }`,
        {hint: 'check that OS_AUTH_URL points at Keystone v3'},
      )
    }
    const text = (value: unknown) => (typeof value === 'string' ? value : '')
    const parsedToken = {
      expires_at: text(tokenBody.expires_at),
      project: {id: text((tokenBody.project as {id?: unknown} | undefined)?.id)},
      user: {id: text((tokenBody.user as {id?: unknown} | undefined)?.id)},
      catalog: catalog.map((entry) => ({
        ...entry,
        endpoints: Array.isArray(entry.endpoints) ? entry.endpoints.filter(isJsonObject) : [],
      })) as unknown as CatalogEntry[],
    }
    registerSecret(token)
    return {
      token,
      expiresAt: parsedToken.expires_at,
      projectId: parsedToken.project.id,
      userId: parsedToken.user.id,
      endpoints: indexEndpoints(parsedToken.catalog),
      catalog: parsedToken.catalog,
    }
  }

  /**
   * openrc points at `.../v3`; a bare `http://host:5000` is asked for its versions (unauthenticated GET),
   * falling back to `<url>/v3` when the answer does not name one, as keystoneauth does.
   */
  private async discoverV3(): Promise<string> {
    if (this.v3Url) return this.v3Url
    const base = this.credentials.authUrl.replace(/\/+$/, '')
    if (/\/v3(\.\d+)?$/.test(base)) return (this.v3Url = base)
    const response = await this.transport.request({method: 'GET', url: base, headers: {accept: 'application/json'}})
    let href: string | undefined
    if (response.status < 400) {
      try {
        href = v3Link(response.json())
      } catch {
        href = undefined
      }
    }
    return (this.v3Url = (href ?? `${base}/v3`).replace(/\/+$/, ''))
  }

  private cacheKey(): CacheKey {
    const c = this.credentials
    return {
      authUrl: c.authUrl,
      username: c.username,
      userId: c.userId,
      userDomain: c.userDomainId ?? c.userDomainName,
      projectName: c.projectName,
      projectId: c.projectId,
      projectDomain: c.projectDomainId ?? c.projectDomainName,
    }
  }
}

function withToken(request: SessionRequest, state: AuthState): HttpRequest {
  return {
    ...request,
    headers: {
      ...request.headers,
      'x-auth-token': state.token,
      'x-project-id': state.projectId,
      'x-user-id': state.userId,
    },
  }
}

/** The POST /v3/auth/tokens body; empty values are absent, ids win over names (§1.2). */
export function tokenRequestBody(c: KeystoneCredentials): unknown {
  const domain = (id?: string, name?: string) => (id ? {id} : name ? {name} : undefined)
  const identity = c.token
    ? {methods: ['token'], token: {id: c.token}}
    : {
        methods: ['password'],
        password: {
          user: prune({
            id: c.userId || undefined,
            name: c.userId ? undefined : c.username || undefined,
            domain: c.userId ? undefined : domain(c.userDomainId, c.userDomainName),
            password: c.password ?? '',
          }),
        },
      }
  const project = c.projectId
    ? {id: c.projectId}
    : c.projectName
      ? prune({name: c.projectName, domain: domain(c.projectDomainId, c.projectDomainName)})
      : undefined
  return {auth: prune({identity, scope: project ? {project} : undefined})}
}

function prune<T extends Record<string, unknown>>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T
}

function v3Link(document: unknown): string | undefined {
  const doc = document as {
    version?: {id?: string; links?: {rel?: string; href?: string}[]}
    versions?: {values?: {id?: string; links?: {rel?: string; href?: string}[]}[]}
  }
  const candidates = [doc.version, ...(doc.versions?.values ?? [])].filter(Boolean)
  for (const version of candidates) {
    if (!version?.id?.startsWith('v3')) continue
    const self = version.links?.find((link) => link.rel === 'self')?.href
    if (self) return self
  }
  return undefined
}

function origin(url: string): string {
  try {
    return new URL(url).origin
  } catch {
    return url
  }
}

/** A non-2xx answer of a service as a one-line OperationError (exit 1) with the server's message. */
export function apiError(context: string, response: HttpResponse): OperationError {
  const message = describeErrorBody(response.status, response.headers['content-type'], response.text())
  return new ApiError(`${context}: ${message} (HTTP ${response.status})`, response.status, message)
}

export class ApiError extends OperationError {
  constructor(
    message: string,
    readonly status: number,
    readonly serverMessage: string,
  ) {
    super(message)
  }
}
