import {afterAll, beforeAll, describe, expect, it} from '@jest/globals'
import {mkdtempSync, readdirSync, rmSync, statSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {seedFleet} from '../../src/lab/scenarios/fleet.js'
import {FaultServer, inFrontOf} from '../faults/fault-server.js'
import {runDcm} from '../helpers/cli.js'
import {startTestLab, type TestLab} from '../helpers/lab.js'
import {makeTestCa, type TestCa} from '../helpers/test-ca.js'

/**
 * Authentication, transport failures and TLS as an operator sees them: the built CLI's exit codes and lines,
 * against a test lab behind the fault server (which records the requests and revokes tokens on demand).
 */
describe('dcm connection handling', () => {
  let lab: TestLab
  let faults: FaultServer
  let cacheDir: string

  beforeAll(async () => {
    lab = await startTestLab()
    await seedFleet(lab.store, {count: 1, prefix: 'sc'})
    faults = await inFrontOf(lab)
    cacheDir = mkdtempSync(path.join(os.tmpdir(), 'dcm-cache-'))
  })
  afterAll(async () => {
    await faults.stop()
    await lab.stop()
    rmSync(cacheDir, {recursive: true, force: true})
  })

  it('caches the token (0600) and re-authenticates exactly once when it expired on the server', async () => {
    const env = faults.env({DCCLIENT_NO_CACHE: '', DCM_CACHE_DIR: cacheDir})
    const first = await runDcm(['subcloud', 'list', '-f', 'value', '-c', 'name'], {env})
    expect(first.stdout).toBe('sc1\n')
    const issued = faults.tokenIssues
    const cached = await runDcm(['subcloud', 'list', '-f', 'value', '-c', 'name'], {env})
    expect(cached.code).toBe(0)
    expect(faults.tokenIssues).toBe(issued) // served from the cache: no Keystone call
    // The entry and the catalog beside it.
    for (const file of readdirSync(path.join(cacheDir, 'tokens')))
      expect(statSync(path.join(cacheDir, 'tokens', file)).mode & 0o777).toBe(0o600)

    faults.revokeTokens()
    faults.requests.length = 0
    const renewed = await runDcm(['subcloud', 'list', '-f', 'value', '-c', 'name'], {env})
    expect(renewed.code).toBe(0)
    expect(renewed.stdout).toBe('sc1\n')
    expect(faults.tokenIssues).toBe(issued + 1)
    expect(faults.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /dcmanager/v1.0/subclouds/',
      'POST /identity/v3/auth/tokens',
      'GET /dcmanager/v1.0/subclouds/',
    ])
  })

  it("a wrong password is exit 3 with Keystone's message and a hint", async () => {
    const result = await runDcm(['subcloud', 'list'], {env: faults.env({OS_PASSWORD: 'wrong'})})
    expect(result.code).toBe(3)
    expect(result.stderr.split('\n')[0]).toBe(
      `Error: authentication at ${faults.url}/identity/v3 failed: The request you have made requires authentication. (HTTP 401)`,
    )
    expect(result.stderr).toContain('Hint: check OS_USERNAME, OS_PASSWORD')
  })

  it('no OS_AUTH_URL is exit 2 and nothing is sent', async () => {
    faults.requests.length = 0
    const result = await runDcm(['subcloud', 'list'], {env: faults.env({OS_AUTH_URL: ''})})
    expect(result.code).toBe(2)
    expect(result.stderr.split('\n')[0]).toBe(
      'Error: You must provide an auth url via either --os-auth-url or env[OS_AUTH_URL]',
    )
    expect(faults.requests).toHaveLength(0)
  })

  it('--dcmanager-url bypasses the catalog, Keystone auth still happens', async () => {
    faults.requests.length = 0
    const labRequests = lab.requests.length
    // The catalog names the fault server; the flag names the lab itself: the list must go there.
    const url = `${lab.url}/dcmanager/v1.0/`
    const result = await runDcm(['subcloud', 'list', '-f', 'value', '-c', 'name', '--dcmanager-url', url], {
      env: faults.env(),
    })
    expect(result.stdout).toBe('sc1\n')
    expect(faults.requests.map((r) => r.path)).toEqual(['/identity/v3/auth/tokens'])
    expect(lab.requests.slice(labRequests).map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /identity/v3/auth/tokens',
      'GET /dcmanager/v1.0/subclouds/',
    ])
  })

  it('a stopped server is exit 3 with one clear line', async () => {
    const gone = await new FaultServer().start()
    const env = gone.env()
    await gone.stop()
    const result = await runDcm(['subcloud', 'list'], {env})
    expect(result.code).toBe(3)
    expect(result.stderr.split('\n')[0]).toBe(`Error: cannot connect to ${gone.url}: connection refused`)
    expect(result.stderr).not.toMatch(/\n\s+at /) // no stack without --debug
  })

  it('--debug prints the HTTP exchange with the password and tokens redacted', async () => {
    const result = await runDcm(['subcloud', 'show', 'sc1', '--debug'], {env: faults.env()})
    expect(result.code).toBe(0)
    expect(result.stderr).toMatch(/^DEBUG: REQ: POST .*\/auth\/tokens/m)
    expect(result.stderr).toMatch(/^DEBUG: RESP: GET .*\/subclouds\/sc1 200/m)
    expect(result.stderr).toContain('x-auth-token: <redacted>')
    expect(result.stderr).not.toContain(faults.password)
    expect(faults.issuedTokens.length).toBeGreaterThan(0)
    for (const token of faults.issuedTokens) expect(result.stderr).not.toContain(token)
  })

  describe('TLS with a self-signed CA', () => {
    let ca: TestCa
    let tls: FaultServer
    beforeAll(async () => {
      ca = makeTestCa()
      tls = await inFrontOf(lab, {tls: {key: ca.key, cert: ca.cert}})
    })
    afterAll(async () => {
      await tls.stop()
      ca.cleanup()
    })

    it('is refused by default (exit 3) with a hint to pass --os-cacert', async () => {
      const result = await runDcm(['subcloud', 'list'], {env: tls.env()})
      expect(result.code).toBe(3)
      expect(result.stderr.split('\n')[0]).toBe(
        `Error: TLS verification of ${tls.url} failed: certificate not trusted (UNABLE_TO_VERIFY_LEAF_SIGNATURE)`,
      )
      expect(result.stderr).toContain('Hint: pass --os-cacert FILE')
    })

    it('works with --os-cacert and with OS_CACERT', async () => {
      const flag = await runDcm(['subcloud-group', 'list', '-f', 'value', '--os-cacert', ca.caFile], {env: tls.env()})
      expect(flag.stdout).toBe('1 Default Default Subcloud Group\n')
      const env = await runDcm(['subcloud-group', 'list', '-f', 'value'], {env: tls.env({OS_CACERT: ca.caFile})})
      expect(env.code).toBe(0)
    })
  })
})
