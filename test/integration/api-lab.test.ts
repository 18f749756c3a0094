import {afterAll, beforeAll, describe, expect, it} from '@jest/globals'
import {readdirSync, readFileSync} from 'node:fs'
import path from 'node:path'

import {runDcm} from '../helpers/cli.js'
import {startTestLab, type TestLab} from '../helpers/lab.js'

/** Token expiry, a stopped lab and TLS with the lab's self-signed CA, through the built CLI. */
describe('dcm against dcm lab: tokens, outages, TLS', () => {
  let lab: TestLab
  beforeAll(async () => {
    lab = await startTestLab()
  })
  afterAll(async () => {
    await lab.stop()
  })

  it('a cached token the lab no longer accepts is replaced exactly once, then the call succeeds', async () => {
    const first = await runDcm(['subcloud-group', 'list', '-f', 'value', '-c', 'name'], {env: lab.env})
    expect(first.stdout).toBe('Default\n')
    // Revoke the cached token on the server, as an expiry or a Keystone restart would.
    const dir = path.join(lab.env.XDG_CACHE_HOME, 'dcm', 'tokens')
    // The entry, not the catalog cached beside it.
    const [file] = readdirSync(dir).filter((name) => !name.endsWith('.catalog.json'))
    const cached = JSON.parse(readFileSync(path.join(dir, file), 'utf8')) as {token: string}
    const revoked = await lab.api('/identity/v3/auth/tokens', {
      method: 'DELETE',
      headers: {'x-subject-token': cached.token},
    })
    expect(revoked.status).toBe(204)

    const mark = lab.requests.length
    const again = await runDcm(['subcloud-group', 'list', '-f', 'value', '-c', 'name'], {env: lab.env})
    expect({code: again.code, stdout: again.stdout, stderr: again.stderr}).toEqual({
      code: 0,
      stdout: 'Default\n',
      stderr: '',
    })
    expect(lab.requests.slice(mark).map((r) => `${r.method} ${r.path}`)).toEqual([
      'GET /dcmanager/v1.0/subcloud-groups/',
      'POST /identity/v3/auth/tokens',
      'GET /dcmanager/v1.0/subcloud-groups/',
    ])
  })

  it('a stopped lab is exit 3 with one clear line', async () => {
    const stopped = await startTestLab()
    const env = stopped.env
    await stopped.stop()
    const result = await runDcm(['subcloud', 'list'], {env: {...env, DCCLIENT_NO_CACHE: 'true'}})
    expect(result.code).toBe(3)
    expect(result.stderr.split('\n')[0]).toBe(
      `Error: cannot connect to ${new URL(env.OS_AUTH_URL).origin}: connection refused`,
    )
  })

  describe('TLS', () => {
    let tlsLab: TestLab
    beforeAll(async () => {
      tlsLab = await startTestLab({tls: true})
    })
    afterAll(async () => {
      await tlsLab.stop()
    })

    it("the lab's self-signed CA is refused by default (exit 3), trusted with --os-cacert", async () => {
      const {OS_CACERT: caFile, ...withoutCa} = tlsLab.env
      expect(caFile).toBeTruthy()
      const refused = await runDcm(['subcloud', 'list'], {env: withoutCa})
      expect(refused.code).toBe(3)
      expect(refused.stderr.split('\n')[0]).toMatch(new RegExp(`^Error: TLS verification of ${tlsLab.url} failed: `))
      expect(refused.stderr).toContain('Hint: pass --os-cacert FILE')
      const trusted = await runDcm(['subcloud', 'list', '-f', 'value', '--os-cacert', caFile], {env: withoutCa})
      expect({code: trusted.code, stderr: trusted.stderr}).toEqual({code: 0, stderr: ''})
    })
  })
})
