import {randomBytes, randomUUID} from 'node:crypto'
import http from 'node:http'
import https from 'node:https'
import type {AddressInfo} from 'node:net'

import {webobErrorResponse} from '../../src/lab/http/webob-error.js'

/**
 * A small System Controller on 127.0.0.1:0 for the client's tests: Keystone v3 (password and token auth,
 * catalog, expiring and revocable tokens) and the dcmanager calls dcm makes, with webob-shaped error
 * bodies (HTML or JSON by Accept, dcmanager-api.md §1.6). It records every request so tests can assert
 * what was (not) sent, and can be told to fail in the ways a real one does (restart, 503, expiry).
 * The full emulator is `dcm lab` (src/lab); this one is deliberately tiny and test-controlled.
 */
export interface RecordedRequest {
  method: string
  path: string
  headers: http.IncomingHttpHeaders
  body: Buffer
}

export interface FakeOptions {
  password?: string
  tls?: {key: string; cert: string}
  tokenLifetimeMs?: number
  /** Deploy states a new subcloud walks through, one per GET of it; default ends in `complete`. */
  deploySequence?: string[]
  errorDescription?: string
}

type Json = Record<string, unknown>

export class FakeSystemController {
  readonly requests: RecordedRequest[] = []
  readonly subclouds: Json[] = []
  readonly groups: Json[] = [
    {
      id: 1,
      name: 'Default',
      description: 'Default Subcloud Group',
      update_apply_type: 'parallel',
      max_parallel_subclouds: 2,
      'created-at': null,
      'updated-at': null,
    },
  ]
  readonly tokens = new Map<string, number>()
  tokenIssues = 0
  /** Answer the next N dcmanager GETs with 503 (transport retry tests). */
  failNextGets = 0
  /** Wrong credentials still pass when false: lets tests check that a 2nd 401 is reported. */
  rejectAllTokens = false
  /** Fixed answers for GET paths below /v1.0 (e.g. the api-ref samples), checked before the model. */
  readonly cannedGets = new Map<string, unknown>()
  private server?: http.Server
  private nextId = 1
  private readonly deployProgress = new Map<number, number>()
  url = ''

  constructor(private readonly options: FakeOptions = {}) {}

  get password(): string {
    return this.options.password ?? 'lab-admin-pw'
  }

  async start(port = 0): Promise<this> {
    const handler = (req: http.IncomingMessage, res: http.ServerResponse) => void this.handle(req, res)
    this.server = this.options.tls ? https.createServer(this.options.tls, handler) : http.createServer(handler)
    await new Promise<void>((resolve) => this.server!.listen(port, '127.0.0.1', resolve))
    const {port: bound} = this.server.address() as AddressInfo
    this.url = `${this.options.tls ? 'https' : 'http'}://127.0.0.1:${bound}`
    return this
  }

  get port(): number {
    return Number(new URL(this.url).port)
  }

  async stop(): Promise<void> {
    if (!this.server) return
    this.server.closeAllConnections()
    await new Promise<void>((resolve) => this.server!.close(() => resolve()))
    this.server = undefined
  }

  /** The environment `source /etc/platform/openrc` would give, pointing at this server. */
  env(extra: Record<string, string> = {}): Record<string, string> {
    return {
      OS_AUTH_URL: `${this.url}/identity/v3`,
      OS_USERNAME: 'admin',
      OS_PASSWORD: this.password,
      OS_PROJECT_NAME: 'admin',
      OS_USER_DOMAIN_NAME: 'Default',
      OS_PROJECT_DOMAIN_NAME: 'Default',
      OS_REGION_NAME: 'RegionOne',
      OS_INTERFACE: 'internal',
      DCCLIENT_NO_CACHE: 'true',
      ...extra,
    }
  }

  revokeTokens(): void {
    this.tokens.clear()
  }

  posts(path = '/dcmanager/v1.0/subclouds'): RecordedRequest[] {
    return this.requests.filter((r) => r.method === 'POST' && r.path.replace(/\/$/, '') === path)
  }

  addSubcloud(fields: Partial<Json> & {name: string}): Json {
    const id = this.nextId++
    const subcloud: Json = {
      id,
      description: null,
      location: null,
      'software-version': '24.09',
      'management-state': 'unmanaged',
      'availability-status': 'offline',
      'deploy-status': 'not-deployed',
      'backup-status': null,
      'backup-datetime': null,
      'error-description': 'No errors present',
      'region-name': randomBytes(16).toString('hex'),
      'management-subnet': '192.168.101.0/24',
      'management-start-ip': '192.168.101.2',
      'management-end-ip': '192.168.101.50',
      'management-gateway-ip': '192.168.101.1',
      'openstack-installed': false,
      'prestage-status': null,
      'prestage-versions': null,
      'systemcontroller-gateway-ip': '192.168.204.101',
      data_install: null,
      data_upgrade: null,
      'created-at': '2026-11-25 09:00:00.000000',
      'updated-at': null,
      group_id: 1,
      peer_group_id: null,
      rehome_data: null,
      ...fields,
    }
    this.subclouds.push(subcloud)
    return subcloud
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const body = Buffer.concat(chunks)
    const path = (req.url ?? '/').split('?')[0]
    this.requests.push({method: req.method ?? 'GET', path, headers: req.headers, body})
    const json = /json/.test(String(req.headers.accept ?? ''))
    const send = (status: number, value: unknown, headers: Record<string, string> = {}) => {
      const text = value === undefined ? '' : JSON.stringify(value)
      res.writeHead(status, {'content-type': 'application/json', ...headers})
      res.end(text)
    }
    // webob's error body, HTML or JSON by Accept, as the lab's dcmanager renders it.
    const fail = (status: number, detail: string) => {
      const answer = webobErrorResponse(status, detail, json)
      res.writeHead(answer.status, answer.headers)
      res.end(typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body))
    }
    try {
      if (path.startsWith('/identity')) return this.keystone(req, path.slice('/identity'.length), body, send)
      // `/alt/dcmanager/v1.0` is the same API under a URL the catalog does not list (--dcmanager-url tests).
      const prefix = ['/dcmanager/v1.0', '/alt/dcmanager/v1.0'].find((p) => path.startsWith(p))
      if (!prefix) return fail(404, 'The resource could not be found.')
      const token = String(req.headers['x-auth-token'] ?? '')
      const expires = this.tokens.get(token)
      if (this.rejectAllTokens || expires === undefined || expires < Date.now())
        return fail(401, 'Failed to validate access token: Authentication required')
      if (req.method === 'GET' && this.failNextGets > 0) {
        this.failNextGets--
        return fail(503, 'try later')
      }
      return this.dcmanager(req.method ?? 'GET', path.slice(prefix.length), req, body, send, fail)
    } catch (error) {
      fail(500, String(error))
    }
  }

  private keystone(
    req: http.IncomingMessage,
    path: string,
    body: Buffer,
    send: (status: number, value: unknown, headers?: Record<string, string>) => void,
  ): void {
    if (req.method === 'GET' && /^\/v3\/?$/.test(path))
      return send(200, {
        version: {id: 'v3.14', status: 'stable', links: [{rel: 'self', href: `${this.url}/identity/v3/`}]},
      })
    if (req.method === 'GET' && (path === '' || path === '/'))
      return send(300, {
        versions: {values: [{id: 'v3.14', status: 'stable', links: [{rel: 'self', href: `${this.url}/identity/v3/`}]}]},
      })
    if (req.method !== 'POST' || path !== '/v3/auth/tokens')
      return send(404, {error: {code: 404, message: 'not found'}})
    const auth = (JSON.parse(body.toString('utf8')) as {auth: {identity: Json}}).auth.identity as {
      methods: string[]
      password?: {user: {name: string; password: string}}
      token?: {id: string}
    }
    const ok =
      auth.methods[0] === 'token'
        ? this.tokens.has(auth.token?.id ?? '')
        : auth.password?.user.password === this.password
    if (!ok)
      return send(401, {
        error: {code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.'},
      })
    this.tokenIssues++
    const token = `gAAAA${randomBytes(24).toString('hex')}`
    const lifetime = this.options.tokenLifetimeMs ?? 3_600_000
    this.tokens.set(token, Date.now() + lifetime)
    const endpoint = (type: string, region: string, url: string) => ({
      type,
      name: type,
      endpoints: ['public', 'internal', 'admin'].map((iface) => ({
        id: randomUUID(),
        interface: iface,
        region,
        region_id: region,
        url,
      })),
    })
    send(
      201,
      {
        token: {
          methods: auth.methods,
          expires_at: new Date(Date.now() + lifetime).toISOString().replace('Z', '000Z'),
          issued_at: new Date().toISOString(),
          user: {id: 'u-admin', name: 'admin', domain: {id: 'default', name: 'Default'}},
          project: {id: 'p-admin', name: 'admin', domain: {id: 'default', name: 'Default'}},
          roles: [{id: 'r1', name: 'admin'}],
          catalog: [
            endpoint('identity', 'RegionOne', `${this.url}/identity/v3`),
            endpoint('platform', 'RegionOne', `${this.url}/sysinv/RegionOne/v1`),
            endpoint('dcmanager', 'SystemController', `${this.url}/dcmanager/v1.0`),
          ],
        },
      },
      {'x-subject-token': token},
    )
  }

  private dcmanager(
    method: string,
    path: string,
    req: http.IncomingMessage,
    body: Buffer,
    send: (status: number, value: unknown) => void,
    fail: (status: number, detail: string) => void,
  ): void {
    const clean = path.replace(/\/$/, '')
    if (method === 'GET' && this.cannedGets.has(clean)) return send(200, this.cannedGets.get(clean))
    const findSubcloud = (ref: string) =>
      this.subclouds.find((s) => (/^\d+$/.test(ref) ? s.id === Number(ref) : s.name === decodeURIComponent(ref)))
    const withSync = (s: Json) => ({
      ...s,
      endpoint_sync_status: [
        'dc-cert',
        'firmware',
        'identity',
        'kube-rootca',
        'kubernetes',
        'platform',
        'software',
      ].map((type) => ({
        endpoint_type: type,
        sync_status: s['management-state'] === 'managed' ? 'in-sync' : 'unknown',
      })),
    })
    if (method === 'GET' && clean === '/subclouds')
      return send(200, {
        subclouds: this.subclouds.map((s) => ({
          ...withSync(s),
          sync_status: s['management-state'] === 'managed' ? 'in-sync' : 'unknown',
        })),
      })
    let match = /^\/subclouds\/([^/]+)(\/detail)?$/.exec(clean)
    if (match) {
      const subcloud = findSubcloud(match[1])
      if (!subcloud) return fail(404, 'Subcloud not found')
      if (method === 'GET') {
        this.advanceDeploy(subcloud)
        const shown = withSync(subcloud)
        if (match[2])
          return send(200, {
            ...shown,
            oam_floating_ip: subcloud['availability-status'] === 'online' ? '10.10.10.12' : 'unavailable',
            deploy_config_sync_status: 'unknown',
            region_name: subcloud['region-name'],
          })
        return send(200, shown)
      }
      if (method === 'PATCH') {
        const form = parseMultipart(body, String(req.headers['content-type'] ?? ''))
        const state = form.get('management-state')
        if (state === 'managed') {
          if (subcloud['management-state'] === 'managed')
            return fail(422, `Bad subcloud request: Subcloud ${subcloud.name} already managed`)
          if (form.get('force') !== 'true' && subcloud['availability-status'] !== 'online')
            return fail(422, 'Subcloud is not online.')
          subcloud['management-state'] = 'managed'
        } else if (state === 'unmanaged') {
          if (subcloud['management-state'] === 'unmanaged')
            return fail(422, `Bad subcloud request: Subcloud ${subcloud.name} already unmanaged`)
          subcloud['management-state'] = 'unmanaged'
        }
        for (const key of ['description', 'location']) if (form.has(key)) subcloud[key] = form.get(key)
        if (form.has('group_id')) {
          const group = this.groups.find(
            (g) => String(g.id) === form.get('group_id') || g.name === form.get('group_id'),
          )
          if (!group) return fail(400, 'Invalid group')
          subcloud.group_id = group.id
        }
        if (form.has('name')) subcloud.name = form.get('name')
        return send(200, withSync(subcloud))
      }
      if (method === 'DELETE') {
        if (subcloud['management-state'] === 'managed')
          return fail(400, "Cannot delete a subcloud that is 'managed' status")
        this.subclouds.splice(this.subclouds.indexOf(subcloud), 1)
        return send(200, null)
      }
    }
    if (method === 'POST' && clean === '/subclouds') {
      const form = parseMultipart(body, String(req.headers['content-type'] ?? ''))
      const values = form.get('bootstrap_values') ?? ''
      const name = /^name:\s*"?([^"\n]+?)"?\s*$/m.exec(values)?.[1]
      if (!name) return fail(400, 'name required')
      if (!form.get('sysadmin_password')) return fail(400, 'subcloud sysadmin_password required')
      if (this.subclouds.some((s) => s.name === name)) return fail(409, `Subcloud with name=${name} already exists`)
      const subcloud = this.addSubcloud({name, 'error-description': 'No errors present'})
      this.deployProgress.set(subcloud.id as number, 0)
      return send(200, subcloud)
    }
    if (method === 'GET' && clean === '/subcloud-groups')
      return send(200, {
        subcloud_groups: this.groups.map((g) => ({
          ...g,
          subcloud_count: this.subclouds.filter((s) => s.group_id === g.id).length,
        })),
      })
    match = /^\/subcloud-groups\/([^/]+)(\/subclouds)?$/.exec(clean)
    if (match) {
      const ref = decodeURIComponent(match[1])
      const group = this.groups.find((g) => (/^\d+$/.test(ref) ? g.id === Number(ref) : g.name === ref))
      if (!group) return fail(404, 'Subcloud Group not found')
      if (method === 'GET' && match[2])
        return send(200, {subclouds: this.subclouds.filter((s) => s.group_id === group.id)})
      if (method === 'GET') return send(200, group)
      if (method === 'PATCH') {
        const update = JSON.parse(body.toString('utf8')) as Json
        if (group.id === 1 && update.name !== undefined) return fail(400, 'Default group name cannot be changed')
        Object.assign(group, update, {'updated-at': '2026-11-25 09:30:00.000000'})
        return send(200, group)
      }
      if (method === 'DELETE') {
        if (group.id === 1) return fail(400, 'Default Subcloud Group may not be deleted')
        if (this.subclouds.some((s) => s.group_id === group.id)) return fail(400, 'Subcloud Group not empty')
        this.groups.splice(this.groups.indexOf(group), 1)
        return send(200, null)
      }
    }
    if (method === 'POST' && clean === '/subcloud-groups') {
      const request = JSON.parse(body.toString('utf8')) as Json
      if (this.groups.some((g) => g.name === request.name))
        return fail(400, 'A subcloud group with this name already exists')
      const group = {
        id: Math.max(...this.groups.map((g) => g.id as number)) + 1,
        ...request,
        'created-at': '2026-11-25 09:00:00.000000',
        'updated-at': null,
      }
      this.groups.push(group)
      return send(200, group)
    }
    if (method === 'GET' && clean === '/alarms')
      return send(200, {
        alarm_summary: this.subclouds.map((s) => ({
          region_name: s.name,
          uuid: randomUUID(),
          critical_alarms: s['management-state'] === 'managed' ? 0 : -1,
          major_alarms: s['management-state'] === 'managed' ? 1 : -1,
          minor_alarms: s['management-state'] === 'managed' ? 0 : -1,
          warnings: s['management-state'] === 'managed' ? 2 : -1,
          cloud_status: s['management-state'] === 'managed' ? 'degraded' : 'disabled',
        })),
      })
    fail(404, 'The resource could not be found.')
  }

  /** Each GET of a freshly added subcloud moves it one state along the configured sequence. */
  private advanceDeploy(subcloud: Json): void {
    const id = subcloud.id as number
    const position = this.deployProgress.get(id)
    if (position === undefined) return
    const sequence = this.options.deploySequence ?? ['creating', 'pre-bootstrap', 'bootstrapping', 'complete']
    if (position >= sequence.length) return
    subcloud['deploy-status'] = sequence[position]
    if (sequence[position].endsWith('-failed'))
      subcloud['error-description'] = this.options.errorDescription ?? 'bootstrap playbook failed at task X'
    if (sequence[position] === 'complete') subcloud['availability-status'] = 'online'
    this.deployProgress.set(id, position + 1)
  }
}

/** Text fields and file contents of a multipart/form-data body (enough for what dcm sends). */
export function parseMultipart(body: Buffer, contentType: string): Map<string, string> {
  const fields = new Map<string, string>()
  const boundary = /boundary=([^;]+)/.exec(contentType)?.[1]
  if (!boundary) return fields
  for (const part of body.toString('utf8').split(`--${boundary}`)) {
    const split = part.indexOf('\r\n\r\n')
    if (split < 0) continue
    const name = /name="([^"]*)"/.exec(part.slice(0, split))?.[1]
    if (name !== undefined) fields.set(name, part.slice(split + 4).replace(/\r\n$/, ''))
  }
  return fields
}

/** Multipart part headers, for contract checks (filename present on files, no per-part content type). */
export function multipartParts(
  body: Buffer,
  contentType: string,
): {name: string; filename?: string; headers: string}[] {
  const boundary = /boundary=([^;]+)/.exec(contentType)?.[1]
  if (!boundary) return []
  return body
    .toString('utf8')
    .split(`--${boundary}`)
    .map((part) => part.slice(0, Math.max(0, part.indexOf('\r\n\r\n'))).trim())
    .filter((headers) => headers.startsWith('Content-Disposition'))
    .map((headers) => ({
      name: /name="([^"]*)"/.exec(headers)?.[1] ?? '',
      filename: /filename="([^"]*)"/.exec(headers)?.[1],
      headers,
    }))
}
