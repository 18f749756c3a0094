import {afterAll, afterEach, beforeAll, describe, expect, it} from '@jest/globals'
import {mkdtempSync, readdirSync, readFileSync, rmSync, statSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {DcmanagerClient} from '../../../src/core/api/dcmanager-client.js'
import {KeystoneSession, tokenRequestBody} from '../../../src/core/api/keystone.js'
import {TokenCache} from '../../../src/core/api/token-cache.js'
import {HttpTransport} from '../../../src/core/api/transport.js'
import {ConnectionError, OperationError, UsageError} from '../../../src/core/errors.js'
import {seedFleet} from '../../../src/lab/scenarios/fleet.js'
import {FaultServer, inFrontOf, pass, webob} from '../../faults/fault-server.js'
import {startTestLab, type TestLab} from '../../helpers/lab.js'
import {makeTestCa, type TestCa} from '../../helpers/test-ca.js'

/**
 * The transport + Keystone session + dcmanager client against a real System Controller on loopback (a test lab),
 * through the fault server in front of it: it records the requests and bends the lab's answers (revoked or
 * refused tokens, 503s) where a test needs a fault.
 */
let lab: TestLab
beforeAll(async () => {
  lab = await startTestLab()
})
afterAll(async () => {
  await lab.stop()
})

const credentials = (faults: FaultServer, password = faults.password) => ({
  authUrl: `${faults.url}/identity/v3`,
  username: 'admin',
  password,
  projectName: 'admin',
  userDomainName: 'Default',
  projectDomainName: 'Default',
})

describe('Keystone session and dcmanager client over HTTP', () => {
  let faults: FaultServer
  const transports: HttpTransport[] = []
  let cacheDir: string
  const transport = (options: ConstructorParameters<typeof HttpTransport>[0] = {}) => {
    const t = new HttpTransport({retryBackoffMs: 5, ...options})
    transports.push(t)
    return t
  }

  beforeAll(async () => {
    faults = await inFrontOf(lab)
    cacheDir = mkdtempSync(path.join(os.tmpdir(), 'dcm-cache-'))
  })
  afterEach(async () => {
    await Promise.all(transports.splice(0).map((t) => t.close()))
    faults.reset()
  })
  afterAll(async () => {
    await faults.stop()
    rmSync(cacheDir, {recursive: true, force: true})
  })

  it('authenticates with a password and finds dcmanager in any region of the catalog', async () => {
    const session = new KeystoneSession(transport(), credentials(faults), {defaultInterface: 'internal'})
    const client = new DcmanagerClient(session)
    expect(await client.baseUrl()).toBe(`${faults.url}/dcmanager/v1.0`)
    await seedFleet(lab.store, {count: 1, prefix: 'sc-list'})
    const names = (await client.subclouds.list()).map((s) => s.name)
    expect(names).toContain('sc-list1')
    const get = faults.requests.find((r) => r.path === '/dcmanager/v1.0/subclouds/')!
    // The token Keystone issued, and the user and project of its answer.
    expect(get.headers['x-auth-token']).toBe(faults.issuedTokens.at(-1))
    expect(get.headers['x-project-id']).toBe(lab.store.keystoneIds.projectId)
    expect(get.headers['x-user-id']).toBe(lab.store.keystoneIds.userId)
  })

  it('filters by region only when asked (sysinv), and names the offers when nothing matches', async () => {
    const session = new KeystoneSession(transport(), credentials(faults))
    expect(await session.endpointFor('platform', {region: 'RegionOne'})).toBe(`${faults.url}/sysinv/RegionOne/v1`)
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
    const session = new KeystoneSession(transport(), credentials(faults, 'wrong-pw'))
    const error = (await session.authenticate().catch((e: unknown) => e)) as ConnectionError
    expect(error).toBeInstanceOf(ConnectionError)
    expect(error.message).toBe(
      `authentication at ${faults.url}/identity/v3 failed: The request you have made requires authentication. (HTTP 401)`,
    )
  })

  it('re-authenticates once when the service rejects an expired token', async () => {
    const session = new KeystoneSession(transport(), credentials(faults))
    const client = new DcmanagerClient(session)
    await client.subclouds.list()
    const issued = faults.tokenIssues
    faults.revokeTokens()
    await client.subclouds.list()
    expect(faults.tokenIssues).toBe(issued + 1)
    const statuses = faults.requests.filter((r) => r.path.startsWith('/dcmanager')).length
    expect(statuses).toBe(3) // ok, 401, retried ok
  })

  it('a 401 after re-authentication is exit 3, not a loop', async () => {
    const session = new KeystoneSession(transport(), credentials(faults))
    const client = new DcmanagerClient(session)
    faults.rejectAllTokens = true
    const error = await client.subclouds.list().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(ConnectionError)
    expect((error as Error).message).toContain('rejected a fresh token: Failed to validate access token')
    expect(faults.requests.filter((r) => r.path.startsWith('/dcmanager')).length).toBe(2)
  })

  it('server errors are one line with the server message (exit 1)', async () => {
    const client = new DcmanagerClient(new KeystoneSession(transport(), credentials(faults)))
    const error = await client.subclouds.get('no-such-subcloud').catch((e: unknown) => e)
    expect(error).toBeInstanceOf(OperationError)
    expect((error as Error).message).toBe('Unable to show subcloud no-such-subcloud: Subcloud not found (HTTP 404)')
  })

  it('retries GETs on 503 with bounded backoff, then reports the 503', async () => {
    const client = new DcmanagerClient(new KeystoneSession(transport(), credentials(faults)))
    await client.baseUrl()
    const groups = '/dcmanager/v1.0/subcloud-groups'
    faults.on('GET', groups, webob(503, 'try later'), webob(503, 'try later'), pass)
    await expect(client.subcloudGroups.list()).resolves.toEqual(
      expect.arrayContaining([expect.objectContaining({name: 'Default'})]),
    )
    faults.on('GET', groups, webob(503, 'try later'))
    await expect(client.subcloudGroups.list()).rejects.toThrow(/HTTP 503/)
    const gets = faults.requests.filter((r) => r.path === '/dcmanager/v1.0/subcloud-groups/')
    expect(gets.length).toBe(3 + 3)
  })

  it('caches tokens in a 0600 file and reuses them across sessions', async () => {
    const cache = new TokenCache(cacheDir)
    const first = new KeystoneSession(transport(), credentials(faults), {cache})
    await first.authenticate()
    const issued = faults.tokenIssues
    const second = new KeystoneSession(transport(), credentials(faults), {cache})
    await second.authenticate()
    expect(faults.tokenIssues).toBe(issued)
    // The entry and its catalog, both private.
    const files = readdirSync(path.join(cacheDir, 'tokens')).sort()
    expect(files).toHaveLength(2)
    expect(files[0]).toMatch(/^[0-9a-f]{32}\.catalog\.json$/)
    expect(files[1]).toBe(files[0].replace('.catalog', ''))
    for (const name of files) {
      const file = path.join(cacheDir, 'tokens', name)
      expect(statSync(file).mode & 0o777).toBe(0o600)
      expect(readFileSync(file, 'utf8')).not.toContain(faults.password)
    }
    expect(statSync(path.join(cacheDir, 'tokens')).mode & 0o777).toBe(0o700)
  })

  it('a cached session finds dcmanager from the entry and a region from the cached catalog, without Keystone', async () => {
    const cache = new TokenCache(path.join(cacheDir, 'catalog'))
    await new KeystoneSession(transport(), credentials(faults), {cache}).authenticate()
    const issued = faults.tokenIssues
    const cached = new KeystoneSession(transport(), credentials(faults), {cache})
    expect(await cached.endpointFor('dcmanager')).toBe(`${faults.url}/dcmanager/v1.0`)
    expect(await cached.endpointFor('platform', {region: 'RegionOne'})).toBe(`${faults.url}/sysinv/RegionOne/v1`)
    expect(faults.tokenIssues).toBe(issued)
  })

  it('refreshCache skips a valid cached token once and stores the new one', async () => {
    const cache = new TokenCache(path.join(cacheDir, 'refresh'))
    await new KeystoneSession(transport(), credentials(faults), {cache}).authenticate()
    const issued = faults.tokenIssues
    const refreshed = await new KeystoneSession(transport(), credentials(faults), {
      cache,
      refreshCache: true,
    }).authenticate()
    expect(faults.tokenIssues).toBe(issued + 1)
    const reused = await new KeystoneSession(transport(), credentials(faults), {cache}).authenticate()
    expect(reused.token).toBe(refreshed.token)
    expect(faults.tokenIssues).toBe(issued + 1)
  })

  it('ignores a cached token that is about to expire', async () => {
    const cache = new TokenCache(path.join(cacheDir, 'expiry'), () => Date.now() + 3_600_000)
    const session = new KeystoneSession(transport(), credentials(faults), {cache})
    await session.authenticate()
    const issued = faults.tokenIssues
    await new KeystoneSession(transport(), credentials(faults), {cache}).authenticate()
    expect(faults.tokenIssues).toBe(issued + 1)
  })

  it('connection refused is exit 3 naming the origin', async () => {
    const stopped = await new FaultServer().start()
    const url = stopped.url
    await stopped.stop()
    const session = new KeystoneSession(transport({getRetries: 1}), {
      ...credentials(faults),
      authUrl: `${url}/identity/v3`,
    })
    const error = (await session.authenticate().catch((e: unknown) => e)) as ConnectionError
    expect(error).toBeInstanceOf(ConnectionError)
    expect(error.message).toBe(`cannot connect to ${url}: connection refused`)
  })

  it('--debug trace shows the exchange without password or token', async () => {
    const lines: string[] = []
    const session = new KeystoneSession(transport({debug: (line) => lines.push(line)}), credentials(faults))
    await new DcmanagerClient(session).subclouds.list()
    const trace = lines.join('\n')
    expect(trace).toContain('POST')
    expect(trace).toContain('/subclouds/')
    expect(trace).not.toContain(faults.password)
    expect(faults.issuedTokens.length).toBeGreaterThan(0)
    for (const token of faults.issuedTokens) expect(trace).not.toContain(token)
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
  let tlsFaults: FaultServer
  const transports: HttpTransport[] = []

  beforeAll(async () => {
    ca = makeTestCa()
    tlsFaults = await inFrontOf(lab, {tls: {key: ca.key, cert: ca.cert}})
  })
  afterAll(async () => {
    await Promise.all(transports.map((t) => t.close()))
    await tlsFaults.stop()
    ca.cleanup()
  })

  it('refuses a self-signed CA by default (exit 3 with a hint)', async () => {
    const t = new HttpTransport()
    transports.push(t)
    const error = (await new KeystoneSession(t, credentials(tlsFaults))
      .authenticate()
      .catch((e: unknown) => e)) as ConnectionError
    expect(error).toBeInstanceOf(ConnectionError)
    expect(error.message).toMatch(/^TLS verification of https:\/\/127\.0\.0\.1:\d+ failed: /)
    expect(error.hint).toContain('--os-cacert')
  })

  it('trusts the server with --os-cacert', async () => {
    const t = new HttpTransport({cacert: ca.caFile})
    transports.push(t)
    const client = new DcmanagerClient(new KeystoneSession(t, credentials(tlsFaults)))
    await expect(client.subcloudGroups.list()).resolves.toHaveLength(1)
  })

  it('accepts it with --insecure', async () => {
    const t = new HttpTransport({insecure: true})
    transports.push(t)
    await expect(new KeystoneSession(t, credentials(tlsFaults)).authenticate()).resolves.toHaveProperty('token')
  })

  it('a missing CA file is a usage error (exit 2)', async () => {
    const t = new HttpTransport({cacert: '/nonexistent/ca.pem'})
    transports.push(t)
    const error = await new KeystoneSession(t, credentials(tlsFaults)).authenticate().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(UsageError)
    expect((error as Error).message).toBe('Unable to locate cacert file at /nonexistent/ca.pem.')
  })
})
