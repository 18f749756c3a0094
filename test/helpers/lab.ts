import {promises as fs} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {ensureAdminPassword, labEnvironment} from '../../src/lab/lab-files.js'
import {type LabHandle, type LabServerOptions, startLab} from '../../src/lab/lab-server.js'
import {ensureLabCertificate} from '../../src/lab/http/lab-tls.js'

/**
 * A `dcm lab` System Controller for tests: started in this process on 127.0.0.1, an ephemeral port and a
 * fresh temp data dir, with fast simulated deploys. `env` is what `eval "$(dcm lab env)"` would export;
 * pass it to runDcm. Always `await lab.stop()` (afterAll/afterEach): it stops the server and removes the dir.
 *
 *   const lab = await startTestLab()
 *   const result = await runDcm(['subcloud', 'list'], {env: lab.env})
 *   expect(lab.requests.filter((r) => r.method === 'POST')).toHaveLength(0)
 */
export interface TestLabOptions extends Partial<Omit<LabServerOptions, 'tls'>> {
  /** Serve HTTPS with a generated private CA; `env.OS_CACERT` / `caCert` point at the CA file. */
  tls?: boolean
  /** Keep the data dir after stop (restart tests reuse it). */
  keepDataDir?: boolean
}

export interface TestLab extends LabHandle {
  password: string
  env: Record<string, string>
  caCert?: string
  /** A valid token for direct API calls. */
  token(): string
  /** fetch a lab path with a token (`X-Auth-Token`) and `Accept: application/json` unless overridden. */
  api(pathname: string, init?: RequestInit & {token?: string | null}): Promise<Response>
}

export async function startTestLab(options: TestLabOptions = {}): Promise<TestLab> {
  const dataDir = options.dataDir ?? (await fs.mkdtemp(path.join(os.tmpdir(), 'dcm-lab-')))
  const password = options.adminPassword ?? (await ensureAdminPassword(dataDir))
  const tlsFiles = options.tls ? await ensureLabCertificate(dataDir) : undefined
  const handle = await startLab({
    timeScale: 0.05,
    ...options,
    dataDir,
    adminPassword: password,
    tls: tlsFiles ? {cert: await fs.readFile(tlsFiles.cert), key: await fs.readFile(tlsFiles.key)} : undefined,
  })
  const env = {
    ...labEnvironment({authUrl: handle.authUrl, caCert: tlsFiles?.caCert}, password),
    // Keep any client-side token cache inside the temp dir.
    XDG_CACHE_HOME: path.join(dataDir, 'client-cache'),
  }
  const stop = handle.stop
  const lab: TestLab = Object.assign(handle, {
    password,
    env,
    caCert: tlsFiles?.caCert,
    token: () => handle.keystone.issue().id,
    async api(pathname: string, init: RequestInit & {token?: string | null} = {}) {
      const headers = new Headers(init.headers)
      if (!headers.has('accept')) headers.set('accept', 'application/json')
      const token = init.token === undefined ? handle.keystone.issue().id : init.token
      if (token) headers.set('x-auth-token', token)
      return fetch(`${handle.url}${pathname}`, {...init, headers})
    },
    async stop() {
      await stop()
      if (!options.keepDataDir && !options.dataDir) await fs.rm(dataDir, {recursive: true, force: true})
    },
  })
  return lab
}

/** Wait until `predicate` holds (polling), or fail after `timeoutMs`. */
export async function waitFor<T>(
  read: () => T | Promise<T>,
  predicate: (value: T) => boolean,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await read()
    if (predicate(value)) return value
    if (Date.now() > deadline)
      throw new Error(`condition not met within ${timeoutMs} ms (last: ${JSON.stringify(value)})`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}
