import {randomBytes} from 'node:crypto'
import http from 'node:http'
import https from 'node:https'
import type {AddressInfo, Socket} from 'node:net'

import {webobErrorResponse} from '../../src/lab/http/webob-error.js'

/**
 * A fault-injecting Keystone + dcmanager + sysinv server on loopback for the hardening suite (issue 14). Keystone
 * answers normally (unless told otherwise) with a catalog pointing back at this server; every other path answers
 * with the fault a test registered for it: a status, valid JSON of the wrong shape, raw bytes, a body dripped a
 * byte at a time, a hang, a huge body, a connection closed mid-body. Every request is recorded (headers and body),
 * so a test can prove what was sent, or that bad local input sent nothing at all.
 *
 * In front of a real System Controller (`upstream`: a started `dcm lab`), whatever no rule matches is the lab's
 * own answer, Keystone included, with the lab's URLs in the answers rewritten to this server's so that every later
 * call comes here too. The knobs then bend a working system: `revokeTokens()` (a restarted Keystone),
 * `rejectAllTokens`, `tokenIssues`, and rules ending in `pass` (`failure(503), failure(503), pass`: two 503s,
 * then the lab's answer).
 */
export interface SeenRequest {
  method: string
  path: string
  headers: http.IncomingHttpHeaders
  body: Buffer
}

export type Fault =
  | {kind: 'json'; status?: number; body: unknown; headers?: Record<string, string>}
  | {kind: 'raw'; status?: number; body: string | Buffer; contentType?: string}
  /** Headers at once, then the body one byte every `everyMs` (never finishing unless `body` runs out). */
  | {kind: 'drip'; everyMs: number; body?: string}
  /** Accept the request and never answer. */
  | {kind: 'hang'}
  /** `bytes` of a JSON-looking body, streamed in 64 KiB chunks; `declared` sends Content-Length first. */
  | {kind: 'huge'; bytes: number; declared?: boolean}
  /** Promise 1000 bytes, send a few, then close the connection. */
  | {kind: 'close-mid-body'}
  /** The upstream System Controller's own answer (needs `upstream`). */
  | {kind: 'pass'}

export const pass: Fault = {kind: 'pass'}

export const json = (body: unknown, status = 200): Fault => ({kind: 'json', status, body})
/** webob's JSON error body, as dcmanager sends it to a client asking for JSON (dcmanager-api.md §1.6). */
export function webob(status: number, description: string): Fault {
  const answer = webobErrorResponse(status, description, true)
  const body = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body)
  return {kind: 'raw', status: answer.status, body, contentType: String(answer.headers?.['content-type'])}
}
/** A webob-style JSON error body, as dcmanager sends. */
export const failure = (status: number, message = 'server trouble'): Fault =>
  json({error_message: JSON.stringify({title: 'Error', description: message, code: status})}, status)

interface Rule {
  method: string
  path: RegExp
  faults: Fault[]
  served: number
}

export interface FaultServerOptions {
  tls?: {key: string; cert: string}
  host?: string
  /** Base URL of a real System Controller (a test lab) answering what no rule matches. */
  upstream?: string
  /** The upstream's password (the openrc environment's OS_PASSWORD). */
  upstreamPassword?: string
}

const TOKEN_PATH = '/identity/v3/auth/tokens'

export class FaultServer {
  readonly requests: SeenRequest[] = []
  url = ''
  private server?: http.Server
  private readonly rules: Rule[] = []
  private readonly sockets = new Set<Socket>()
  private readonly timers = new Set<NodeJS.Timeout>()
  readonly password: string
  /** Answer Keystone's token request with this fault instead of a token. */
  keystoneFault?: Fault
  /** Every service request is refused as carrying an invalid token, fresh ones too (with `upstream`). */
  rejectAllTokens = false
  /** Tokens Keystone issued through this server (X-Subject-Token of its 201 answers). */
  readonly issuedTokens: string[] = []
  private readonly revoked = new Set<string>()

  constructor(private readonly options: FaultServerOptions = {}) {
    this.password = options.upstreamPassword ?? `fault-pw-${randomBytes(6).toString('hex')}`
  }

  /** How many tokens Keystone issued through this server. */
  get tokenIssues(): number {
    return this.issuedTokens.length
  }

  /** Forget every token issued so far, as a restarted Keystone does: services answer 401 to them. */
  revokeTokens(): void {
    for (const token of this.issuedTokens) this.revoked.add(token)
  }

  async start(): Promise<this> {
    const handler = (req: http.IncomingMessage, res: http.ServerResponse) => void this.handle(req, res)
    this.server = this.options.tls ? https.createServer(this.options.tls, handler) : http.createServer(handler)
    this.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket)
      socket.on('close', () => this.sockets.delete(socket))
    })
    const host = this.options.host ?? '127.0.0.1'
    await new Promise<void>((resolve) => this.server!.listen(0, host, resolve))
    const {port} = this.server.address() as AddressInfo
    this.url = `${this.options.tls ? 'https' : 'http'}://${host}:${port}`
    return this
  }

  async stop(): Promise<void> {
    for (const timer of this.timers) clearInterval(timer)
    for (const socket of this.sockets) socket.destroy()
    if (this.server) await new Promise<void>((resolve) => this.server!.close(() => resolve()))
    this.server = undefined
  }

  /** Answer `method path` with these faults in turn; the last one repeats. Later rules win over earlier ones. */
  on(method: string, path: string | RegExp, ...faults: Fault[]): this {
    const pattern = typeof path === 'string' ? new RegExp(`^${escape(path)}/?$`) : path
    this.rules.unshift({method, path: pattern, faults, served: 0})
    return this
  }

  /** Forget rules and recorded requests (between tests of one file). */
  reset(): void {
    this.rules.length = 0
    this.requests.length = 0
    this.keystoneFault = undefined
    this.rejectAllTokens = false
  }

  /** Requests other than Keystone's: what reached the services. */
  serviceRequests(): SeenRequest[] {
    return this.requests.filter((r) => !r.path.startsWith('/identity'))
  }

  /** The openrc environment pointing at this server. */
  env(extra: Record<string, string> = {}): Record<string, string> {
    return {
      OS_AUTH_URL: `${this.url}/identity/v3`,
      OS_USERNAME: 'admin',
      OS_PASSWORD: this.password,
      OS_PROJECT_NAME: 'admin',
      OS_USER_DOMAIN_NAME: 'Default',
      OS_PROJECT_DOMAIN_NAME: 'Default',
      OS_REGION_NAME: 'RegionOne',
      DCCLIENT_NO_CACHE: 'true',
      ...extra,
    }
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const chunks: Buffer[] = []
    for await (const chunk of req) chunks.push(chunk as Buffer)
    const path = (req.url ?? '/').split('?')[0]
    this.requests.push({method: req.method ?? 'GET', path, headers: req.headers, body: Buffer.concat(chunks)})
    const body = this.requests[this.requests.length - 1].body
    const upstream = this.options.upstream
    if (path.startsWith('/identity')) {
      if (!upstream || this.keystoneFault) return this.keystone(req, path.slice('/identity'.length), res)
      return this.forward(req, body, res)
    }
    const token = String(req.headers['x-auth-token'] ?? '')
    if (upstream && (this.rejectAllTokens || this.revoked.has(token))) {
      return this.serve(res, webob(401, 'Failed to validate access token: Authentication required'))
    }
    const rule = this.rules.find((r) => r.method === req.method && r.path.test(path))
    if (!rule) {
      if (upstream) return this.forward(req, body, res)
      return this.serve(res, failure(404, `no fault registered for ${req.method} ${path}`))
    }
    const fault = rule.faults[Math.min(rule.served, rule.faults.length - 1)]
    rule.served++
    if (fault.kind === 'pass') return this.forward(req, body, res)
    this.serve(res, fault)
  }

  /** The upstream's answer, its URLs rewritten to this server's (the catalog, version documents). */
  private forward(req: http.IncomingMessage, body: Buffer, res: http.ServerResponse): void {
    const upstream = new URL(this.options.upstream!)
    const headers = {...req.headers, host: upstream.host}
    const out = http.request(upstream.origin + (req.url ?? '/'), {method: req.method, headers}, (answer) => {
      const chunks: Buffer[] = []
      answer.on('data', (chunk: Buffer) => chunks.push(chunk))
      answer.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8').split(upstream.origin).join(this.url)
        const subject = answer.headers['x-subject-token']
        if (answer.statusCode === 201 && typeof subject === 'string' && (req.url ?? '').startsWith(TOKEN_PATH)) {
          this.issuedTokens.push(subject)
        }
        const {'content-length': _length, 'transfer-encoding': _encoding, ...rest} = answer.headers
        res.writeHead(answer.statusCode ?? 502, {...rest, 'content-length': Buffer.byteLength(text)})
        res.end(text)
      })
    })
    out.on('error', () => {
      if (!res.headersSent) res.writeHead(502)
      res.end()
    })
    out.end(body)
  }

  private keystone(req: http.IncomingMessage, path: string, res: http.ServerResponse): void {
    if (req.method === 'GET')
      return this.serve(
        res,
        json({version: {id: 'v3.14', status: 'stable', links: [{rel: 'self', href: `${this.url}/identity/v3/`}]}}),
      )
    if (this.keystoneFault) return this.serve(res, this.keystoneFault)
    const endpoint = (type: string, url: string) => ({
      type,
      name: type,
      endpoints: ['public', 'internal', 'admin'].map((iface) => ({
        id: `${type}-${iface}`,
        interface: iface,
        region: type === 'dcmanager' ? 'SystemController' : 'RegionOne',
        url,
      })),
    })
    res.writeHead(201, {
      'content-type': 'application/json',
      'x-subject-token': `gAAAA${randomBytes(16).toString('hex')}`,
    })
    res.end(
      JSON.stringify({
        token: {
          expires_at: new Date(Date.now() + 3_600_000).toISOString(),
          user: {id: 'u-admin'},
          project: {id: 'p-admin'},
          catalog: [
            endpoint('identity', `${this.url}/identity/v3`),
            endpoint('dcmanager', `${this.url}/dcmanager/v1.0`),
            endpoint('platform', `${this.url}/sysinv/v1`),
          ],
        },
      }),
    )
    void path
  }

  private serve(res: http.ServerResponse, fault: Fault): void {
    switch (fault.kind) {
      case 'json': {
        const text = fault.body === undefined ? '' : JSON.stringify(fault.body)
        res.writeHead(fault.status ?? 200, {'content-type': 'application/json', ...fault.headers})
        return void res.end(text)
      }
      case 'raw':
        res.writeHead(fault.status ?? 200, {'content-type': fault.contentType ?? 'application/json'})
        return void res.end(fault.body)
      case 'hang':
        return
      case 'drip': {
        res.writeHead(200, {'content-type': 'application/json'})
        const body = fault.body
        let sent = 0
        const timer = setInterval(() => {
          if (body !== undefined && sent >= body.length) {
            clearInterval(timer)
            this.timers.delete(timer)
            return void res.end()
          }
          res.write(body === undefined ? ' ' : body[sent])
          sent++
        }, fault.everyMs)
        this.timers.add(timer)
        res.on('close', () => {
          clearInterval(timer)
          this.timers.delete(timer)
        })
        return
      }
      case 'huge': {
        const headers: Record<string, string | number> = {'content-type': 'application/json'}
        if (fault.declared) headers['content-length'] = fault.bytes
        res.writeHead(200, headers)
        const chunk = Buffer.alloc(64 * 1024, 'x')
        let left = fault.bytes
        const pump = () => {
          while (left > 0) {
            const piece = left >= chunk.length ? chunk : chunk.subarray(0, left)
            left -= piece.length
            if (!res.write(piece)) return void res.once('drain', pump)
          }
          res.end()
        }
        res.on('close', () => (left = 0))
        return pump()
      }
      case 'close-mid-body':
        res.writeHead(200, {'content-type': 'application/json', 'content-length': 1000})
        res.write('{"subclouds": [')
        setTimeout(() => res.socket?.destroy(), 20)
        return
    }
  }
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}

/** A subcloud record as dcmanager returns it (the fields dcm's tables and --wait read). */
export function subcloudRecord(fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id: 1,
    name: 'subcloud1',
    description: null,
    location: null,
    'software-version': '24.09',
    'management-state': 'unmanaged',
    'availability-status': 'offline',
    'deploy-status': 'not-deployed',
    'backup-status': null,
    'backup-datetime': null,
    'error-description': 'No errors present',
    'region-name': '2ec93dfb654846909efe61d1b39dd2ce',
    'management-subnet': '192.168.101.0/24',
    'management-start-ip': '192.168.101.2',
    'management-end-ip': '192.168.101.50',
    'management-gateway-ip': '192.168.101.1',
    'systemcontroller-gateway-ip': '192.168.204.101',
    'openstack-installed': false,
    'prestage-status': null,
    'prestage-versions': null,
    'created-at': '2026-11-25 09:00:00.000000',
    'updated-at': null,
    group_id: 1,
    peer_group_id: null,
    rehome_data: null,
    ...fields,
  }
}

/** A fault server in front of a started test lab: the lab answers, the fault server records and bends. */
export function inFrontOf(
  lab: {url: string; password: string},
  options: Omit<FaultServerOptions, 'upstream' | 'upstreamPassword'> = {},
): Promise<FaultServer> {
  return new FaultServer({...options, upstream: lab.url, upstreamPassword: lab.password}).start()
}

/** Text fields and file contents of a multipart/form-data body (enough for what dcm sends), to inspect a recorded request. */
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
