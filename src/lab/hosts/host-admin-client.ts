import type {HttpTransport} from '../../core/api/transport.js'
import {ConnectionError, OperationError, UsageError} from '../../core/errors.js'
import {registerSecret} from '../../core/secrets.js'
import {processAlive, readAdminPassword, readInstance, type LabInstance} from '../lab-files.js'

/**
 * Client side of the `/lab/hosts` API (host-admin-service.ts) for `dcm lab host ...`: finds the lab running
 * in a data dir through its lab.json, takes a token from the lab's Keystone with the admin password kept in
 * the data dir, and turns error answers into typed errors (400/409 -> exit 2, 404 -> exit 1, no lab -> 3).
 */
export interface LabHost {
  name: string
  bootstrap_address: string
  port: number
  release: string
  fail_at: string | null
  duration: number
  bootstrapped: boolean
  fingerprint: string
}

export interface LabHostFiles {
  ssh_config: string
  known_hosts: string
}

export interface AddLabHost {
  name: string
  bootstrapAddress: string
  password: string
  failAt?: string
  durationSeconds?: number
  release?: string
}

export class LabHostClient {
  private constructor(
    private readonly instance: LabInstance,
    private readonly token: string,
    private readonly transport: HttpTransport,
  ) {}

  static async connect(dataDir: string): Promise<LabHostClient> {
    // lab.json of a live process; whether it really is this lab is proven by its Keystone taking the
    // data dir's admin password below (a stale file's port answers nothing, or refuses it).
    const found = await readInstance(dataDir)
    const instance = found && processAlive(found.pid) ? found : undefined
    const password = await readAdminPassword(dataDir)
    if (!instance || !password) {
      throw new ConnectionError(`no lab is running in ${dataDir}`, {
        hint: `dcm lab start --detach --data-dir ${dataDir}`,
      })
    }
    registerSecret(password)
    const {HttpTransport} = await import('../../core/api/transport.js')
    const transport = new HttpTransport({cacert: instance.caCert, requestTimeoutMs: 30_000, getRetries: 0})
    const auth = {
      auth: {
        identity: {
          methods: ['password'],
          password: {user: {name: 'admin', domain: {name: 'Default'}, password}},
        },
        scope: {project: {name: 'admin', domain: {name: 'Default'}}},
      },
    }
    const response = await send(transport, instance, 'POST', '/identity/v3/auth/tokens', undefined, auth)
    const token = response.headers['x-subject-token']
    if (response.status !== 201 || typeof token !== 'string') {
      throw new ConnectionError(`the lab at ${instance.url} refused its admin credentials (HTTP ${response.status})`)
    }
    return new LabHostClient(instance, token, transport)
  }

  async list(): Promise<{hosts: LabHost[]} & LabHostFiles> {
    return (await this.call('GET', '')) as {hosts: LabHost[]} & LabHostFiles
  }

  async add(spec: AddLabHost): Promise<{host: LabHost} & LabHostFiles> {
    registerSecret(spec.password)
    return (await this.call('POST', '', {
      name: spec.name,
      bootstrap_address: spec.bootstrapAddress,
      password: spec.password,
      fail_at: spec.failAt,
      duration: spec.durationSeconds,
      release: spec.release,
    })) as {host: LabHost} & LabHostFiles
  }

  async remove(name: string): Promise<{host: LabHost} & LabHostFiles> {
    return (await this.call('DELETE', `/${encodeURIComponent(name)}`)) as {host: LabHost} & LabHostFiles
  }

  async close(): Promise<void> {
    await this.transport.close()
  }

  private async call(method: string, suffix: string, body?: unknown): Promise<unknown> {
    const response = await send(this.transport, this.instance, method, `/lab/hosts${suffix}`, this.token, body)
    const payload = response.body as {error?: {message?: string; hint?: string}}
    if (response.status >= 200 && response.status < 300) return payload
    const message = payload?.error?.message ?? `the lab answered HTTP ${response.status}`
    const options = payload?.error?.hint ? {hint: payload.error.hint} : {}
    if (response.status === 400 || response.status === 409) throw new UsageError(message, options)
    if (response.status === 401) throw new ConnectionError(message, options)
    throw new OperationError(message, options)
  }
}

async function send(
  transport: HttpTransport,
  instance: LabInstance,
  method: string,
  pathname: string,
  token: string | undefined,
  body: unknown,
): Promise<{status: number; headers: Record<string, string>; body: unknown}> {
  const headers: Record<string, string> = {accept: 'application/json'}
  if (token) headers['x-auth-token'] = token
  if (body !== undefined) headers['content-type'] = 'application/json'
  try {
    const response = await transport.request({
      method,
      url: `${instance.url}${pathname}`,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = response.text()
    let parsed: unknown = text
    try {
      parsed = text ? JSON.parse(text) : undefined
    } catch {
      // A non-JSON answer (a lab without the hosts API) is reported by status below.
    }
    return {status: response.status, headers: response.headers, body: parsed}
  } catch (error) {
    throw new ConnectionError(`cannot reach the lab at ${instance.url}: ${(error as Error).message}`, {
      hint: 'is it still running? see `dcm lab status`',
      cause: error,
    })
  }
}
