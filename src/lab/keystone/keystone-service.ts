import {randomBytes, randomUUID, timingSafeEqual} from 'node:crypto'

import type {LabRequest, LabResponse, LabService, LabToken} from '../http/http-types.js'
import {keystoneTimestamp} from '../dcmanager/python-time.js'
import {type CatalogEndpoint, catalogEndpoints, type CatalogService} from '../http/catalog.js'
import {routedService} from '../http/routed-service.js'
import {splitPath} from '../http/route-table.js'

/**
 * Keystone v3 as a dcmanager/sysinv client sees it (dcmanager-api.md §1.2): version discovery, password and
 * token methods on POST /v3/auth/tokens (201 + X-Subject-Token), token validation on GET, revocation on DELETE.
 * One user (admin, domain Default) in one project (admin). Tokens live in memory only, with a configurable
 * lifetime so that tests can watch one expire.
 */
export type {CatalogEndpoint, CatalogService} from '../http/catalog.js'

export interface KeystoneOptions {
  userName: string
  /** Compared in constant time; never logged or stored by the lab. */
  password: string
  projectName: string
  userId: string
  projectId: string
  tokenLifetimeSeconds: number
  /** The current catalog (it grows a `platform` region per subcloud); rendered into each token body. */
  catalog: () => CatalogService[]
  /** The externally visible URL of this service's mount point (…/identity). */
  baseUrl: () => string
  now?: () => number
}

interface IssuedToken extends LabToken {
  issuedAt: string
  methods: string[]
  auditId: string
  userId: string
  projectId: string
}

const DOMAIN = {id: 'default', name: 'Default'}

/** The parts of a v3 auth request the lab reads; everything is optional because clients send anything. */
interface AuthRequestBody {
  auth?: {
    identity?: {
      methods?: unknown
      password?: {user?: {id?: string; name?: string; password?: unknown; domain?: {id?: string; name?: string}}}
      token?: {id?: string}
    }
    scope?: {project?: {id?: string; name?: string; domain?: {id?: string; name?: string}}}
  }
}

export class KeystoneService {
  private tokens = new Map<string, IssuedToken>()
  private lastSweep = 0

  constructor(private readonly options: KeystoneOptions) {}

  /** The token behind an X-Auth-Token header, when it exists and has not expired. */
  validate(tokenId: string | undefined): LabToken | undefined {
    if (!tokenId) return undefined
    const token = this.tokens.get(tokenId)
    if (!token) return undefined
    if (Date.parse(token.expiresAt) <= this.now()) {
      this.tokens.delete(tokenId)
      return undefined
    }
    return token
  }

  /** Issue a token without a request (the demo and test helpers). */
  issue(methods: string[] = ['password']): IssuedToken {
    const now = this.now()
    const token: IssuedToken = {
      id: randomBytes(24).toString('hex'),
      userName: this.options.userName,
      projectName: this.options.projectName,
      userId: this.options.userId,
      projectId: this.options.projectId,
      issuedAt: keystoneTimestamp(new Date(now)),
      expiresAt: keystoneTimestamp(new Date(now + this.options.tokenLifetimeSeconds * 1000)),
      methods,
      auditId: randomBytes(16).toString('base64url'),
    }
    this.sweep(now)
    this.tokens.set(token.id, token)
    return token
  }

  /**
   * `/identity/<region>/v3` is the same Keystone seen from a subcloud (`dcm lab env --subcloud`): on a real
   * system each subcloud has its own Keystone, so clients must not share cached tokens (and catalogs) with
   * the System Controller's. Trailing slashes do not matter; other methods on the version documents are 404.
   */
  readonly service: LabService = routedService({
    segments: (path) => splitPath(path.replace(/^\/[0-9a-f]{32}(?=\/)/, '').replace(/\/+$/, '') || '/'),
    routes: [
      {method: 'GET', path: '/', handler: () => ({status: 300, body: {versions: {values: [this.version()]}}})},
      {method: 'GET', path: '/v3', handler: () => ({status: 200, body: {version: this.version()}})},
      {method: '*', path: '/', handler: () => notFound()},
      {method: '*', path: '/v3', handler: () => notFound()},
      {method: 'POST', path: '/v3/auth/tokens', handler: (request) => this.authenticate(request)},
      {method: 'GET', path: '/v3/auth/tokens', handler: (request) => this.check(request)},
      {method: 'HEAD', path: '/v3/auth/tokens', handler: (request) => this.check(request)},
      {method: 'DELETE', path: '/v3/auth/tokens', handler: (request) => this.revoke(request)},
    ],
    notFound,
    methodNotAllowed: () =>
      keystoneError(405, 'Method Not Allowed', 'The method is not allowed for the requested URL.'),
  })

  /** The identity service in the catalog: RegionOne and SystemController share one Keystone. */
  catalog(baseUrl: string): CatalogService[] {
    return [
      {
        type: 'identity',
        name: 'keystone',
        endpoints: [
          ...catalogEndpoints('RegionOne', `${baseUrl}/identity/v3`),
          ...catalogEndpoints('SystemController', `${baseUrl}/identity/v3`),
        ],
      },
    ]
  }

  private version() {
    return {
      id: 'v3.14',
      status: 'stable',
      updated: '2020-04-07T00:00:00Z',
      links: [{rel: 'self', href: `${this.options.baseUrl()}/v3/`}],
      'media-types': [{base: 'application/json', type: 'application/vnd.openstack.identity-v3+json'}],
    }
  }

  private async authenticate(request: LabRequest): Promise<LabResponse> {
    let body: AuthRequestBody
    try {
      body = JSON.parse(request.body.toString('utf8')) as AuthRequestBody
    } catch {
      return keystoneError(400, 'Bad Request', 'Expecting to find valid JSON in request body.')
    }
    const identity = body?.auth?.identity
    const methods: unknown = identity?.methods
    if (!identity || !Array.isArray(methods) || methods.length === 0) {
      return keystoneError(400, 'Bad Request', "Invalid input for field 'identity': 'methods' is a required property")
    }
    let authenticated: boolean
    if (methods.includes('password')) {
      const user = identity.password?.user ?? {}
      const nameMatches = user.id ? user.id === this.options.userId : user.name === this.options.userName
      const domainMatches = !!user.id || domainIsDefault(user.domain)
      authenticated = nameMatches && domainMatches && safeEqual(String(user.password ?? ''), this.options.password)
    } else if (methods.includes('token')) {
      authenticated = this.validate(identity.token?.id) !== undefined
    } else {
      return keystoneError(401, 'Unauthorized', 'The request you have made requires authentication.')
    }
    if (!authenticated) return keystoneError(401, 'Unauthorized', 'The request you have made requires authentication.')
    const project = body.auth?.scope?.project
    if (project) {
      const matches = project.id
        ? project.id === this.options.projectId
        : project.name === this.options.projectName && domainIsDefault(project.domain)
      if (!matches) return keystoneError(401, 'Unauthorized', 'The request you have made requires authentication.')
    }
    const token = this.issue(methods.filter((method): method is string => typeof method === 'string'))
    return {status: 201, headers: {'x-subject-token': token.id}, body: this.tokenBody(token)}
  }

  private async check(request: LabRequest): Promise<LabResponse> {
    if (!this.validate(headerOf(request, 'x-auth-token'))) {
      return keystoneError(401, 'Unauthorized', 'The request you have made requires authentication.')
    }
    const subjectId = headerOf(request, 'x-subject-token')
    const subject = subjectId && this.validate(subjectId) ? this.tokens.get(subjectId) : undefined
    if (!subject) return keystoneError(404, 'Not Found', `Could not find token: ${subjectId ?? ''}`)
    return {status: 200, headers: {'x-subject-token': subject.id}, body: this.tokenBody(subject)}
  }

  private async revoke(request: LabRequest): Promise<LabResponse> {
    if (!this.validate(headerOf(request, 'x-auth-token'))) {
      return keystoneError(401, 'Unauthorized', 'The request you have made requires authentication.')
    }
    const subjectId = headerOf(request, 'x-subject-token')
    if (!subjectId || !this.tokens.delete(subjectId)) {
      return keystoneError(404, 'Not Found', `Could not find token: ${subjectId ?? ''}`)
    }
    return {status: 204}
  }

  private tokenBody(token: IssuedToken) {
    return {
      token: {
        methods: token.methods,
        user: {domain: DOMAIN, id: token.userId, name: token.userName, password_expires_at: null},
        audit_ids: [token.auditId],
        expires_at: token.expiresAt,
        issued_at: token.issuedAt,
        project: {domain: DOMAIN, id: token.projectId, name: token.projectName},
        is_domain: false,
        roles: [
          {id: roleId('admin'), name: 'admin'},
          {id: roleId('member'), name: 'member'},
          {id: roleId('reader'), name: 'reader'},
        ],
        catalog: this.options.catalog().map((service) => ({
          endpoints: service.endpoints.map((endpoint) => ({
            id: endpointId(service.type, endpoint),
            interface: endpoint.interface,
            region: endpoint.region,
            region_id: endpoint.region,
            url: endpoint.url,
          })),
          id: endpointId(service.type),
          type: service.type,
          name: service.name,
        })),
      },
    }
  }

  /** Forget expired tokens now and then, so a long-running lab does not accumulate them. */
  private sweep(now: number): void {
    if (now - this.lastSweep < 60_000) return
    this.lastSweep = now
    for (const [id, token] of this.tokens) if (Date.parse(token.expiresAt) <= now) this.tokens.delete(id)
  }

  private now(): number {
    return this.options.now ? this.options.now() : Date.now()
  }
}

function notFound(): LabResponse {
  return keystoneError(404, 'Not Found', 'The resource could not be found.')
}

function keystoneError(code: number, title: string, message: string): LabResponse {
  return {status: code, headers: {'content-type': 'application/json'}, body: {error: {code, title, message}}}
}

function domainIsDefault(domain: {id?: string; name?: string} | undefined): boolean {
  if (!domain) return false
  return domain.id ? domain.id === DOMAIN.id : domain.name === DOMAIN.name
}

function headerOf(request: LabRequest, name: string): string | undefined {
  const value = request.headers[name]
  return Array.isArray(value) ? value[0] : value
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a)
  const right = Buffer.from(b)
  return left.length === right.length && timingSafeEqual(left, right)
}

// Stable ids derived from names keep catalogs identical between tokens, as a real keystone's are.
const ids = new Map<string, string>()
function stableId(key: string): string {
  let id = ids.get(key)
  if (!id) {
    id = randomUUID().replace(/-/g, '')
    ids.set(key, id)
  }
  return id
}
function roleId(name: string): string {
  return stableId(`role:${name}`)
}
function endpointId(type: string, endpoint?: CatalogEndpoint): string {
  return stableId(endpoint ? `endpoint:${type}:${endpoint.region}:${endpoint.interface}` : `service:${type}`)
}
