import {afterAll, afterEach, beforeAll, describe, expect, it} from '@jest/globals'
import {mkdtempSync, readdirSync, readFileSync, rmSync, statSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {DcmanagerClient} from '../../../src/core/api/dcmanager-client.js'
import {KeystoneSession, tokenRequestBody} from '../../../src/core/api/keystone.js'
import {TokenCache} from '../../../src/core/api/token-cache.js'
import {HttpTransport} from '../../../src/core/api/transport.js'
import {ConnectionError, OperationError, UsageError} from '../../../src/core/errors.js'
import {FakeSystemController} from '../../helpers/fake-system-controller.js'
import {makeTestCa, type TestCa} from '../../helpers/test-ca.js'

/** The transport + Keystone session + dcmanager client against a real HTTP(S) server on loopback. */
const credentials = (fake: FakeSystemController, password = fake.password) => ({
  authUrl: `${fake.url}/identity/v3`,
  username: 'admin',
  password,
  projectName: 'admin',
  userDomainName: 'Default',
  projectDomainName: 'Default',
})

describe('Keystone session and dcmanager client over HTTP', () => {
  const fake = new FakeSystemController()
  const transports: HttpTransport[] = []
  let cacheDir: string
  const transport = (options: ConstructorParameters<typeof HttpTransport>[0] = {}) => {
    const t = new HttpTransport({retryBackoffMs: 5, ...options})
    transports.push(t)
    return t
  }

  beforeAll(async () => {
    await fake.start()
    cacheDir = mkdtempSync(path.join(os.tmpdir(), 'dcm-cache-'))
  })
  afterEach(async () => {
    await Promise.all(transports.splice(0).map((t) => t.close()))
    fake.requests.length = 0
    fake.failNextGets = 0
    fake.rejectAllTokens = false
  })
  afterAll(async () => {
    await fake.stop()
    rmSync(cacheDir, {recursive: true, force: true})
  })

  it('authenticates with a password and finds dcmanager in any region of the catalog', async () => {
    const session = new KeystoneSession(transport(), credentials(fake), {defaultInterface: 'internal'})
    const client = new DcmanagerClient(session)
    expect(await client.baseUrl()).toBe(`${fake.url}/dcmanager/v1.0`)
    fake.addSubcloud({name: 'sc-list'})
    const names = (await client.subclouds.list()).map((s) => s.name)
    expect(names).toContain('sc-list')
    const get = fake.requests.find((r) => r.path === '/dcmanager/v1.0/subclouds/')!
    expect(get.headers['x-auth-token']).toMatch(/^gAAAA/)
    expect(get.headers['x-project-id']).toBe('p-admin')
    expect(get.headers['x-user-id']).toBe('u-admin')
  })

  it('filters by region only when asked (sysinv), and names the offers when nothing matches', async () => {
    const session = new KeystoneSession(transport(), credentials(fake))
    expect(await session.endpointFor('platform', {region: 'RegionOne'})).toBe(`${fake.url}/sysinv/RegionOne/v1`)
    await expect(session.endpointFor('platform', {region: 'subcloud9'})).rejects.toThrow(
      /no platform endpoint \(interface internal, region subcloud9\)/,
    )
    // dcmanager exists, only in another region: the hint is about the region, not --os-interface.
    const error = await session.endpointFor('dcmanager', {region: 'RegionOne'}).catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConnectionError)
    expect((error as ConnectionError).hint).toBe(
      "region RegionOne is not one of the catalog's: SystemController; check OS_REGION_NAME (--os-region-name)",
    )
    // No such endpoint in any region: the offers, and --os-interface.
    const absent = (await session.endpointFor('nosuch').catch((e: unknown) => e)) as ConnectionError
    expect(absent.hint).toBe('the catalog offers: none; choose with --os-interface')
  })

  it('a wrong password is exit 3 with the Keystone message', async () => {
    const session = new KeystoneSession(transport(), credentials(fake, 'wrong-pw'))
    const error = (await session.authenticate().catch((e: unknown) => e)) as ConnectionError
    expect(error).toBeInstanceOf(ConnectionError)
    expect(error.message).toBe(
      `authentication at ${fake.url}/identity/v3 failed: The request you have made requires authentication. (HTTP 401)`,
    )
  })

  it('re-authenticates once when the service rejects an expired token', async () => {
    const session = new KeystoneSession(transport(), credentials(fake))
    const client = new DcmanagerClient(session)
    await client.subclouds.list()
    const issued = fake.tokenIssues
    fake.revokeTokens()
    await client.subclouds.list()
    expect(fake.tokenIssues).toBe(issued + 1)
    const statuses = fake.requests.filter((r) => r.path.startsWith('/dcmanager')).length
    expect(statuses).toBe(3) // ok, 401, retried ok
  })

  it('a 401 after re-authentication is exit 3, not a loop', async () => {
    const session = new KeystoneSession(transport(), credentials(fake))
    const client = new DcmanagerClient(session)
    fake.rejectAllTokens = true
    const error = await client.subclouds.list().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConnectionError)
    expect((error as Error).message).toContain('rejected a fresh token: Failed to validate access token')
    expect(fake.requests.filter((r) => r.path.startsWith('/dcmanager')).length).toBe(2)
  })

  it('server errors are one line with the server message (exit 1)', async () => {
    const client = new DcmanagerClient(new KeystoneSession(transport(), credentials(fake)))
    const error = await client.subclouds.get('no-such-subcloud').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(OperationError)
    expect((error as Error).message).toBe('Unable to show subcloud no-such-subcloud: Subcloud not found (HTTP 404)')
  })

  it('retries GETs on 503 with bounded backoff, then reports the 503', async () => {
    const client = new DcmanagerClient(new KeystoneSession(transport(), credentials(fake)))
    await client.baseUrl()
    fake.failNextGets = 2
    await expect(client.subcloudGroups.list()).resolves.toEqual(
      expect.arrayContaining([expect.objectContaining({name: 'Default'})]),
    )
    fake.failNextGets = 5
    await expect(client.subcloudGroups.list()).rejects.toThrow(/HTTP 503/)
    const gets = fake.requests.filter((r) => r.path === '/dcmanager/v1.0/subcloud-groups/')
    expect(gets.length).toBe(3 + 3)
  })

  it('caches tokens in a 0600 file and reuses them across sessions', async () => {
    const cache = new TokenCache(cacheDir)
    const first = new KeystoneSession(transport(), credentials(fake), {cache})
    await first.authenticate()
    const issued = fake.tokenIssues
    const second = new KeystoneSession(transport(), credentials(fake), {cache})
    await second.authenticate()
    expect(fake.tokenIssues).toBe(issued)
    // The entry and its catalog, both private.
    const files = readdirSync(path.join(cacheDir, 'tokens')).sort()
    expect(files).toHaveLength(2)
    expect(files[0]).toMatch(/^[0-9a-f]{32}\.catalog\.json$/)
    expect(files[1]).toBe(files[0].replace('.catalog', ''))
    for (const name of files) {
      const file = path.join(cacheDir, 'tokens', name)
      expect(statSync(file).mode & 0o777).toBe(0o600)
      expect(readFileSync(file, 'utf8')).not.toContain(fake.password)
    }
    expect(statSync(path.join(cacheDir, 'tokens')).mode & 0o777).toBe(0o700)
  })

  it('a cached session finds dcmanager from the entry and a region from the cached catalog, without Keystone', async () => {
    const cache = new TokenCache(path.join(cacheDir, 'catalog'))
    await new KeystoneSession(transport(), credentials(fake), {cache}).authenticate()
    const issued = fake.tokenIssues
    const cached = new KeystoneSession(transport(), credentials(fake), {cache})
    expect(await cached.endpointFor('dcmanager')).toBe(`${fake.url}/dcmanager/v1.0`)
    expect(await cached.endpointFor('platform', {region: 'RegionOne'})).toBe(`${fake.url}/sysinv/RegionOne/v1`)
    expect(fake.tokenIssues).toBe(issued)
  })

  it('refreshCache skips a valid cached token once and stores the new one', async () => {
    const cache = new TokenCache(path.join(cacheDir, 'refresh'))
    await new KeystoneSession(transport(), credentials(fake), {cache}).authenticate()
    const issued = fake.tokenIssues
    const refreshed = await new KeystoneSession(transport(), credentials(fake), {
      cache,
      refreshCache: true,
    }).authenticate()
    expect(fake.tokenIssues).toBe(issued + 1)
    const reused = await new KeystoneSession(transport(), credentials(fake), {cache}).authenticate()
    expect(reused.token).toBe(refreshed.token)
    expect(fake.tokenIssues).toBe(issued + 1)
  })

  it('ignores a cached token that is about to expire', async () => {
    const cache = new TokenCache(path.join(cacheDir, 'expiry'), () => Date.now() + 3_600_000)
    const session = new KeystoneSession(transport(), credentials(fake), {cache})
    await session.authenticate()
    const issued = fake.tokenIssues
    await new KeystoneSession(transport(), credentials(fake), {cache}).authenticate()
    expect(fake.tokenIssues).toBe(issued + 1)
  })

  it('connection refused is exit 3 naming the origin', async () => {
    const stopped = new FakeSystemController()
    await stopped.start()
    const url = stopped.url
    await stopped.stop()
    const session = new KeystoneSession(transport({getRetries: 1}), {
      ...credentials(fake),
      authUrl: `${url}/identity/v3`,
    })
    const error = (await session.authenticate().catch((e: unknown) => e)) as ConnectionError
    expect(error).toBeInstanceOf(ConnectionError)
    expect(error.message).toBe(`cannot connect to ${url}: connection refused`)
  })

  it('--debug trace shows the exchange without password or token', async () => {
    const lines: string[] = []
    const session = new KeystoneSession(transport({debug: (line) => lines.push(line)}), credentials(fake))
    await new DcmanagerClient(session).subclouds.list()
    const trace = lines.join('\n')
    expect(trace).toContain('POST')
    expect(trace).toContain('/subclouds/')
    expect(trace).not.toContain(fake.password)
    for (const token of fake.tokens.keys()) expect(trace).not.toContain(token)
  })

  it('builds the token-method body for OS_AUTH_TOKEN (re-scoped, no password)', () => {
    expect(tokenRequestBody({authUrl: 'x', token: 'abc', projectName: 'admin', projectDomainName: 'Default'})).toEqual({
      auth: {
        identity: {methods: ['token'], token: {id: 'abc'}},
        scope: {project: {name: 'admin', domain: {name: 'Default'}}},
      },
    })
  })
})

describe('TLS', () => {
  let ca: TestCa
  let tlsFake: FakeSystemController
  const transports: HttpTransport[] = []

  beforeAll(async () => {
    ca = makeTestCa()
    tlsFake = await new FakeSystemController({tls: {key: ca.key, cert: ca.cert}}).start()
  })
  afterAll(async () => {
    await Promise.all(transports.map((t) => t.close()))
    await tlsFake.stop()
    ca.cleanup()
  })

  it('refuses a self-signed CA by default (exit 3 with a hint)', async () => {
    const t = new HttpTransport()
    transports.push(t)
    const error = (await new KeystoneSession(t, credentials(tlsFake))
      .authenticate()
      .catch((e: unknown) => e)) as ConnectionError
    expect(error).toBeInstanceOf(ConnectionError)
    expect(error.message).toMatch(/^TLS verification of https:\/\/127\.0\.0\.1:\d+ failed: /)
    expect(error.hint).toContain('--os-cacert')
  })

  it('trusts the server with --os-cacert', async () => {
    const t = new HttpTransport({cacert: ca.caFile})
    transports.push(t)
    const client = new DcmanagerClient(new KeystoneSession(t, credentials(tlsFake)))
    await expect(client.subcloudGroups.list()).resolves.toHaveLength(1)
  })

  it('accepts it with --insecure', async () => {
    const t = new HttpTransport({insecure: true})
    transports.push(t)
    await expect(new KeystoneSession(t, credentials(tlsFake)).authenticate()).resolves.toHaveProperty('token')
  })

  it('a missing CA file is a usage error (exit 2)', async () => {
    const t = new HttpTransport({cacert: '/nonexistent/ca.pem'})
    transports.push(t)
    const error = await new KeystoneSession(t, credentials(tlsFake)).authenticate().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UsageError)
    expect((error as Error).message).toBe('Unable to locate cacert file at /nonexistent/ca.pem.')
  })
})
