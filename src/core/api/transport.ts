// fs.promises read when a CA file is given: loading node:fs/promises costs every command ~1.5 ms at start.
import {promises as fs} from 'node:fs'
import http, {Agent as HttpAgent} from 'node:http'
import type {Agent as HttpsAgent} from 'node:https'

import {type LongTimer, setLongTimeout} from '../duration.js'
import {ConnectionError, OperationError, UsageError} from '../errors.js'
import {redact} from '../secrets.js'

/**
 * The HTTP transport of every API client (Keystone, dcmanager, sysinv): keep-alive connections with the
 * TLS policy, connect and response timeouts, bounded retries for idempotent GETs, transport failures turned
 * into ConnectionError (exit 3) with a line saying what to do, and a redacted trace of the exchange for --debug.
 */
export interface TransportOptions {
  /** PEM file with the CA(s) that signed the servers' certificates (`--os-cacert`). */
  cacert?: string
  /** Skip certificate verification (`--insecure`); never the default. */
  insecure?: boolean
  connectTimeoutMs?: number
  /** Time allowed for the whole response once connected (headers and body): a total deadline, not per chunk. */
  requestTimeoutMs?: number
  /** Largest response body accepted; a larger one is cut off with an error naming the limit. */
  maxResponseBytes?: number
  /** Extra attempts for GET after a connection failure or a 502/503/504 (default 2). */
  getRetries?: number
  /** First backoff delay in ms; doubled per attempt (default 250). */
  retryBackoffMs?: number
  /** Receives the redacted HTTP exchange, one line per call (`--debug`). */
  debug?: (line: string) => void
  userAgent?: string
}

export interface HttpRequest {
  method: string
  url: string
  headers?: Record<string, string>
  body?: string | Buffer
}

export interface HttpResponse {
  status: number
  headers: Record<string, string>
  body: Buffer
  text(): string
  json<T = unknown>(): T
}

export const DEFAULT_CONNECT_TIMEOUT_MS = 10_000
export const DEFAULT_REQUEST_TIMEOUT_MS = 60_000
/**
 * No dcmanager, Keystone or sysinv answer comes near this (a catalog is KBs, 1,000 subclouds about 3 MB);
 * it keeps a runaway or hostile server from exhausting memory. DCM_MAX_RESPONSE_MB raises it.
 */
export const DEFAULT_MAX_RESPONSE_BYTES = 64 * 1024 * 1024
const RETRIED_STATUSES = new Set([502, 503, 504])
/** Headers whose values are credentials: never printed, even with --debug. */
const SECRET_HEADERS = new Set(['x-auth-token', 'x-subject-token', 'oidc-token', 'authorization'])

/** node:https, loaded on the first https request: with TLS it costs a plain-http command about 30 ms to start. */
type HttpsModule = typeof import('node:https')

interface Agents {
  http: HttpAgent
  https?: {module: HttpsModule; agent: HttpsAgent}
}

export class HttpTransport {
  private agents?: Promise<Agents>
  private httpsSetup?: Promise<{module: HttpsModule; agent: HttpsAgent}>

  constructor(private readonly options: TransportOptions = {}) {}

  async request(request: HttpRequest): Promise<HttpResponse> {
    const retries = request.method === 'GET' ? (this.options.getRetries ?? 2) : 0
    let delay = this.options.retryBackoffMs ?? 250
    for (let attempt = 0; ; attempt++) {
      try {
        const response = await this.once(request)
        if (attempt < retries && RETRIED_STATUSES.has(response.status)) {
          this.trace(`retrying GET ${request.url} after HTTP ${response.status} in ${delay} ms`)
        } else return response
      } catch (error) {
        // TLS failures and bad input do not get better by retrying; refused or reset connections may.
        if (!(error instanceof ConnectionError) || !isTransient(error) || attempt >= retries) throw error
        this.trace(`retrying GET ${request.url} after "${error.message}" in ${delay} ms`)
      }
      await new Promise((resolve) => setTimeout(resolve, delay))
      delay *= 2
    }
  }

  /** Close idle keep-alive connections (they never keep the process alive: the agents unref them). */
  async close(): Promise<void> {
    if (!this.agents) return
    const agents = await this.agents.catch(() => undefined)
    this.agents = undefined
    agents?.http.destroy()
    agents?.https?.agent.destroy()
  }

  private async once(request: HttpRequest): Promise<HttpResponse> {
    let url: URL
    try {
      url = new URL(request.url)
    } catch (error) {
      throw transportError(request.url, error, this.options)
    }
    const secure = url.protocol === 'https:'
    const agents = await this.getAgents(secure)
    const headers: Record<string, string> = {'user-agent': this.options.userAgent ?? 'dcm', ...request.headers}
    if (request.body !== undefined) headers['content-length'] = String(Buffer.byteLength(request.body))
    this.trace(() => describeRequest(request, headers))
    const requestTimeout = this.options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS
    const maxBody = this.options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES
    const response = await new Promise<HttpResponse>((resolve, reject) => {
      let connectTimer: LongTimer | undefined
      // One deadline for the whole exchange once connected: a server dripping a byte at a time cannot extend it.
      let deadline: LongTimer | undefined
      const stop = (code: string) => outgoing.destroy(Object.assign(new Error(code), {code}))
      const settle = () => {
        connectTimer?.cancel()
        deadline?.cancel()
      }
      const fail = (error: unknown) => {
        settle()
        reject(
          transportError(request.url, error, {
            ...this.options,
            requestTimeoutMs: requestTimeout,
            maxResponseBytes: maxBody,
          }),
        )
      }
      const startDeadline = () => {
        connectTimer?.cancel()
        deadline ??= setLongTimeout(() => stop('DCM_REQUEST_DEADLINE'), requestTimeout)
      }
      const tls = secure ? agents.https : undefined
      const outgoing = (tls ? tls.module : http).request(
        url,
        {method: request.method, headers, agent: tls ? tls.agent : agents.http},
        (incoming) => {
          const declared = Number(incoming.headers['content-length'])
          // Refuse a body known to be too big before reading any of it; a chunked one is counted as it comes.
          if (Number.isFinite(declared) && declared > maxBody) return stop('DCM_BODY_TOO_LARGE')
          // One body buffer: with a declared length the chunks are copied straight into it (no concat copy of a
          // 6 MB list at the end); a chunked body is still gathered and joined once.
          const sized = Number.isFinite(declared) ? Buffer.allocUnsafe(declared) : undefined
          const chunks: Buffer[] = []
          let received = 0
          incoming.on('data', (chunk: Buffer) => {
            // node's parser never hands over more than content-length, so a sized body always fits.
            if (received + chunk.length > (sized?.length ?? maxBody)) return stop('DCM_BODY_TOO_LARGE')
            if (sized) chunk.copy(sized, received)
            else chunks.push(chunk)
            received += chunk.length
          })
          incoming.on('error', fail)
          incoming.on('aborted', () => fail(Object.assign(new Error('aborted'), {code: 'ECONNRESET'})))
          incoming.on('end', () => {
            settle()
            if (!incoming.complete) return fail(Object.assign(new Error('incomplete body'), {code: 'ECONNRESET'}))
            const body = sized ? sized.subarray(0, received) : Buffer.concat(chunks, received)
            const responseHeaders: Record<string, string> = {}
            for (const [key, value] of Object.entries(incoming.headers)) {
              if (value !== undefined) responseHeaders[key] = Array.isArray(value) ? value.join(', ') : value
            }
            resolve({
              status: incoming.statusCode ?? 0,
              headers: responseHeaders,
              body,
              text: () => body.toString('utf8'),
              json: <T>() => JSON.parse(body.toString('utf8')) as T,
            })
          })
        },
      )
      outgoing.on('error', fail)
      outgoing.on('socket', (socket) => {
        // A reused keep-alive socket is already connected; a new one gets the connect timeout first.
        if (socket.connecting) {
          connectTimer = setLongTimeout(
            () => stop('DCM_CONNECT_TIMEOUT'),
            this.options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
          )
          socket.once(secure ? 'secureConnect' : 'connect', startDeadline)
        } else startDeadline()
      })
      outgoing.end(request.body)
    })
    this.trace(() => describeResponse(request, response))
    return response
  }

  /**
   * Keep-alive agents carrying the TLS policy; the https one only once an https URL is asked for. node:http rather
   * than undici: undici compiles its WebAssembly HTTP parser in every process, which measured ~0.3 s and ~50 MB peak
   * RSS per command on this machine.
   */
  private async getAgents(secure: boolean): Promise<Agents> {
    if (this.agents === undefined) {
      const agents: Agents = {http: new HttpAgent({keepAlive: true, maxSockets: 8})}
      this.agents = Promise.resolve(agents)
    }
    const agents = await this.agents
    if (secure && !agents.https) {
      this.httpsSetup ??= this.httpsAgent().finally(() => (this.httpsSetup = undefined))
      // A failed setup (unreadable CA) is not kept: the next request tries again and fails the same way.
      agents.https ??= await this.httpsSetup
    }
    return agents
  }

  private async httpsAgent(): Promise<{module: HttpsModule; agent: HttpsAgent}> {
    let ca: string | undefined
    if (this.options.cacert && !this.options.insecure) {
      try {
        ca = await fs.readFile(this.options.cacert, 'utf8')
      } catch {
        throw new UsageError(`Unable to locate cacert file at ${this.options.cacert}.`, {
          hint: 'pass --os-cacert (or OS_CACERT) the path of a readable PEM file',
        })
      }
    }
    const module = await import('node:https')
    return {
      module,
      agent: new module.Agent({keepAlive: true, maxSockets: 8, ca, rejectUnauthorized: !this.options.insecure}),
    }
  }

  /** Build and redact a debug line only when --debug asked for it: without it no body is ever scanned. */
  private trace(line: string | (() => string)): void {
    if (this.options.debug) this.options.debug(redact(typeof line === 'string' ? line : line()))
  }
}

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_SIGNATURE_FAILURE',
  'CERT_UNTRUSTED',
])

/** Refused, reset or unreachable: worth another try (the transport's GET retries, a --wait poll). */
class TransientConnectionError extends ConnectionError {}

/** The whole response did not arrive within --request-timeout: not retried by the transport, but by a wait. */
class RequestDeadlineError extends ConnectionError {}

function isTransient(error: ConnectionError): boolean {
  return error instanceof TransientConnectionError
}

/** A failure a poll loop may outlast: the connection failed or the answer did not come in time. */
export function isTransientTransportError(error: unknown): boolean {
  return error instanceof TransientConnectionError || error instanceof RequestDeadlineError
}

/** Name the cause in words an operator acts on; keep the URL's origin, never its credentials. */
export function transportError(url: string, error: unknown, options: TransportOptions = {}): Error {
  if (error instanceof UsageError || error instanceof ConnectionError) return error
  const origin = safeOrigin(url)
  const code = errorCode(error)
  const detail = (error as Error)?.message ?? String(error)
  if (code && TLS_CODES.has(code)) {
    return new ConnectionError(`TLS verification of ${origin} failed: ${tlsReason(code, detail)}`, {
      hint: tlsHint(code, options),
      cause: error,
    })
  }
  switch (code) {
    case 'ECONNREFUSED':
      return new TransientConnectionError(`cannot connect to ${origin}: connection refused`, {
        hint: 'check that the service is running and OS_AUTH_URL / --dcmanager-url point at it',
        cause: error,
      })
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new ConnectionError(`cannot resolve the host of ${origin}`, {hint: 'check the URL', cause: error})
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new TransientConnectionError(`cannot reach ${origin}: no route to host`, {cause: error})
    case 'DCM_CONNECT_TIMEOUT':
    case 'ETIMEDOUT':
      return new TransientConnectionError(`cannot connect to ${origin}: connection timed out`, {
        hint: 'raise --connect-timeout or check the network path',
        cause: error,
      })
    case 'DCM_REQUEST_DEADLINE':
      return new RequestDeadlineError(
        `no complete response from ${origin} within the request timeout of ${seconds(options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS)}`,
        {
          hint: 'raise --request-timeout, or check the service: it accepted the connection but did not finish answering',
          cause: error,
        },
      )
    case 'DCM_BODY_TOO_LARGE':
      return new OperationError(
        `the response from ${origin} is larger than the ${mebibytes(options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES)} limit for a response body`,
        {
          hint: 'the service sent far more than any API answer holds; set DCM_MAX_RESPONSE_MB to raise the limit if this is expected',
          cause: error,
        },
      )
    case 'ECONNRESET':
    case 'EPIPE':
      return new TransientConnectionError(`connection to ${origin} was closed unexpectedly`, {cause: error})
    case 'EPROTO':
    case 'ERR_SSL_WRONG_VERSION_NUMBER':
      return new ConnectionError(`TLS handshake with ${origin} failed (is it really https?)`, {cause: error})
    case 'ERR_INVALID_URL':
      return new UsageError(`invalid URL: ${url}`, {cause: error})
    default:
      return new ConnectionError(`request to ${origin} failed: ${detail}`, {cause: error})
  }
}

function seconds(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000} s` : `${ms} ms`
}

function mebibytes(bytes: number): string {
  return bytes % (1024 * 1024) === 0 ? `${bytes / 1024 / 1024} MiB` : `${bytes} bytes`
}

function tlsHint(code: string, options: TransportOptions): string {
  // A name mismatch is about the URL, not about who signed the certificate: changing the CA would not help.
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID')
    return 'use a host name or address the certificate was issued for in OS_AUTH_URL (and in the catalog URLs)'
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID')
    return "renew the server's certificate, or check this machine's clock"
  return options.cacert
    ? `the CA in ${options.cacert} did not sign this server's certificate; pass the right --os-cacert`
    : 'pass --os-cacert FILE with the CA that signed the server certificate (or, knowingly, --insecure)'
}

function tlsReason(code: string, detail: string): string {
  if (code === 'DEPTH_ZERO_SELF_SIGNED_CERT' || code === 'SELF_SIGNED_CERT_IN_CHAIN')
    return 'self-signed certificate not trusted'
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return `certificate name mismatch (${detail})`
  if (code === 'CERT_HAS_EXPIRED') return 'certificate has expired'
  return `certificate not trusted (${code})`
}

function errorCode(error: unknown): string | undefined {
  // Wrapped errors (a cause chain) carry the code that names the reason deepest down.
  const codes: string[] = []
  let current: unknown = error
  for (let depth = 0; current && depth < 5; depth++) {
    const code = (current as {code?: unknown}).code
    if (typeof code === 'string') codes.push(code)
    current = (current as {cause?: unknown}).cause
  }
  return codes.find((code) => TLS_CODES.has(code)) ?? codes.find((code) => /^E[A-Z]/.test(code)) ?? codes[0]
}

function safeOrigin(url: string): string {
  try {
    const parsed = new URL(url)
    return parsed.origin
  } catch {
    return url
  }
}

function describeRequest(request: HttpRequest, headers: Record<string, string>): string {
  const parts = [`REQ: ${request.method} ${request.url}`]
  for (const [name, value] of Object.entries(headers)) parts.push(`-H "${name}: ${headerValue(name, value)}"`)
  if (request.body !== undefined)
    parts.push(`-d '${truncate(redactBody(bodyText(request.body), headers['content-type']), 4000)}'`)
  return parts.join(' ')
}

function describeResponse(request: HttpRequest, response: HttpResponse): string {
  const headers = Object.entries(response.headers)
    .map(([name, value]) => `${name}: ${headerValue(name, value)}`)
    .join('; ')
  const body = redactBody(response.body.toString('utf8'), response.headers['content-type'])
  return `RESP: ${request.method} ${request.url} ${response.status} [${headers}] ${truncate(body, 4000)}`
}

function headerValue(name: string, value: string): string {
  return SECRET_HEADERS.has(name.toLowerCase()) ? '<redacted>' : value
}

function bodyText(body: string | Buffer): string {
  return typeof body === 'string' ? body : body.toString('utf8')
}

/**
 * Passwords travel as JSON values and multipart fields (base64 in dcmanager's case). Redact them by key
 * as well as by value, so a secret that was never registered (e.g. typed into a file) is still hidden.
 */
export function redactBody(text: string, contentType?: string): string {
  let out = text.replace(/("[^"]*(?:password|secret|token)[^"]*"\s*:\s*)"(?:[^"\\]|\\.)*"/gi, '$1"<redacted>"')
  if (/multipart/i.test(contentType ?? '') || /Content-Disposition: form-data/i.test(out)) {
    out = out.replace(/(Content-Disposition: form-data; name="[^"]*password[^"]*"\r?\n\r?\n)[^\r\n]*/gi, '$1<redacted>')
  }
  return out
}

function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}... (${text.length - max} more bytes)` : text
}
