import {afterAll, beforeAll, describe, expect, it} from '@jest/globals'
import path from 'node:path'

import {runDcm} from '../helpers/cli.js'
import {startTestLab, type TestLab} from '../helpers/lab.js'
import {startSshd, sshdUnavailable, type TestSshd} from '../helpers/sshd.js'
import {bootstrapValues, fixtureDir, type FixtureDir} from '../helpers/subcloud-fixtures.js'

/**
 * `subcloud add` runs the SSH pre-flight (src/core/bootstrap/preflight.ts) before sending anything: against a
 * real OpenSSH sshd on loopback standing in for the subcloud's controller-0, with `dcm lab` as the System
 * Controller (simulated deploys: the pre-flight is what is under test).
 */
const skip = sshdUnavailable()
if (skip) process.stderr.write(`subcloud-add-preflight: skipped: ${skip}\n`)
const describeSshd = skip ? describe.skip : describe

describeSshd('dcm subcloud add pre-flight over SSH', () => {
  let lab: TestLab
  let sshd: TestSshd
  let files: FixtureDir
  let file: string
  const add = (password: string) =>
    runDcm(
      [
        'subcloud',
        'add',
        '--bootstrap-address',
        '127.0.0.1',
        '--bootstrap-values',
        file,
        '--ssh-port',
        String(sshd.port),
        '--ssh-user',
        sshd.user,
        '--known-hosts',
        path.join(files.dir, 'known_hosts'),
        '--ssh-config',
        files.write('ssh_config', '# no host entries: the flags say it all\n'),
      ],
      {env: {...lab.env, DCM_SYSADMIN_PASSWORD: password}},
    )

  const posts = () =>
    lab.requests.filter((r) => r.method === 'POST' && r.path.replace(/\/$/, '') === '/dcmanager/v1.0/subclouds')

  beforeAll(async () => {
    lab = await startTestLab({deployer: 'simulated'})
    sshd = await startSshd({fakeSudo: true})
    files = fixtureDir()
    file = files.write('sc-pf.yml', bootstrapValues('sc-pf'))
  })
  afterAll(async () => {
    await lab?.stop()
    await sshd?.stop()
    files.cleanup()
  })

  it('a wrong sysadmin password stops the add before the POST', async () => {
    const result = await add('not-the-password')
    // An authentication failure, SSH or HTTP, is exit 3.
    expect(result.code).toBe(3)
    expect(result.stderr).toMatch(/^pre-flight \[PASS\] SSH reachable/m)
    expect(result.stderr).toMatch(/^pre-flight \[FAIL\] sysadmin password accepted$/m)
    // The failure once, as the Error line with its hint.
    expect(result.stderr.match(/the password or key was not accepted/g)).toHaveLength(1)
    expect(result.stderr).toMatch(/^Error: authentication failed for .*\nHint: check the sysadmin password/m)
    expect(result.stderr).not.toContain('not-the-password')
    expect(posts()).toHaveLength(0)
  })

  it('a reachable, not yet bootstrapped host passes and the subcloud is added', async () => {
    const result = await add(sshd.password)
    expect(result.stderr).not.toContain(sshd.password)
    expect({code: result.code, stderr: result.stderr}).toEqual({code: 0, stderr: expect.any(String)})
    expect(result.stderr).toMatch(/^pre-flight \[PASS\] sysadmin password accepted/m)
    expect(result.stderr).toMatch(/^pre-flight \[PASS\] not already bootstrapped/m)
    expect(posts()).toHaveLength(1)
  })
})
