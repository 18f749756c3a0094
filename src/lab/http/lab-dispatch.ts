import type {IncomingMessage, ServerResponse} from 'node:http'

import type {LabRequest, LabResponse, LabToken} from './http-types.js'
import type {LabMount} from './lab-mounts.js'

/**
 * The lab server's transport side: find the mount of a request (longest prefix first), read the body within
 * the limit, set `request.token` from X-Auth-Token, call the service and write its answer. Every request is
 * recorded (method, path) for tests that assert what was, or was not, sent.
 */
export interface RequestRecord {
  method: string
  path: string
}

export interface DispatchOptions {
  mounts: LabMount[]
  requests: RequestRecord[]
  bodyLimit: number
  validateToken: (tokenId: string | undefined) => LabToken | undefined
}

export function labRequestHandler(
  options: DispatchOptions,
): (request: IncomingMessage, response: ServerResponse) => void {
  // Longest prefix first, so `/lab` never shadows `/lab/hosts`.
  const mounts = [...options.mounts].sort((a, b) => b.prefix.length - a.prefix.length)
  return (request, response) => {
    void dispatch(request, response, mounts, options)
  }
}

async function dispatch(
  request: IncomingMessage,
  response: ServerResponse,
  mounts: LabMount[],
  {requests, bodyLimit, validateToken}: DispatchOptions,
): Promise<void> {
  try {
    const url = new URL(request.url ?? '/', 'http://lab.invalid')
    requests.push({method: request.method ?? 'GET', path: url.pathname})
    // Tests read this log; a long-running lab keeps only the recent part.
    if (requests.length > 20_000) requests.splice(0, 10_000)
    const mount = mounts.find((item) => url.pathname === item.prefix || url.pathname.startsWith(`${item.prefix}/`))
    if (!mount) return send(response, {status: 404, headers: {'content-type': 'text/plain'}, body: 'Not Found\n'})
    const body = await readBody(request, bodyLimit)
    if (!body)
      return send(response, {status: 413, headers: {'content-type': 'text/plain'}, body: 'Request body too large\n'})
    const header = request.headers['x-auth-token']
    const labRequest: LabRequest = {
      method: request.method ?? 'GET',
      path: url.pathname.slice(mount.prefix.length) || '/',
      query: url.searchParams,
      headers: request.headers,
      body,
      token: validateToken(Array.isArray(header) ? header[0] : header),
    }
    send(response, await mount.service(labRequest))
  } catch {
    if (!response.headersSent) send(response, {status: 500, headers: {'content-type': 'text/plain'}, body: ''})
    else response.destroy()
  }
}

function readBody(request: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    let tooLarge = false
    request.on('data', (chunk: Buffer) => {
      size += chunk.length
      if (size > limit) tooLarge = true
      else chunks.push(chunk)
    })
    request.on('end', () => resolve(tooLarge ? undefined : Buffer.concat(chunks)))
    request.on('error', reject)
  })
}

function send(response: ServerResponse, result: LabResponse): void {
  const headers: Record<string, string> = {...result.headers}
  let payload: Buffer
  if (result.body === undefined) payload = Buffer.alloc(0)
  else if (typeof result.body === 'string') {
    payload = Buffer.from(result.body)
    headers['content-type'] ??= 'text/plain; charset=UTF-8'
  } else if (Buffer.isBuffer(result.body)) payload = result.body
  else {
    payload = Buffer.from(JSON.stringify(result.body))
    headers['content-type'] ??= 'application/json'
  }
  if (result.status !== 204) headers['content-length'] = String(payload.length)
  response.writeHead(result.status, headers)
  response.end(result.status === 204 ? undefined : payload)
}
