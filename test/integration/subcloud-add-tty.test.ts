import {afterAll, beforeAll, describe, expect, it} from '@jest/globals'

import {parseMultipart} from '../../src/lab/http/multipart.js'
import {type FaultServer, inFrontOf, json, subcloudRecord} from '../faults/fault-server.js'
import {startTestLab, type TestLab} from '../helpers/lab.js'
import {runDcmOnPty} from '../helpers/pty.js'
import {bootstrapValues, fixtureDir, type FixtureDir} from '../helpers/subcloud-fixtures.js'

/**
 * `subcloud add` on a real pseudo-terminal: hidden password prompts asked twice, live progress, Ctrl-C. Against a
 * test lab behind the fault server (which records the form, and plays a deploy stuck bootstrapping).
 */
describe('dcm subcloud add on a terminal', () => {
  let lab: TestLab
  let faults: FaultServer
  let files: FixtureDir

  beforeAll(async () => {
    lab = await startTestLab({deployer: 'simulated'})
    faults = await inFrontOf(lab)
    files = fixtureDir()
  })
  afterAll(async () => {
    await faults.stop()
    await lab.stop()
    files.cleanup()
  })

  it('asks for the sysadmin password twice, hidden, and again after a mismatch', async () => {
    const file = files.write('tty.yml', bootstrapValues('sc-tty'))
    const result = await runDcmOnPty(
      ['subcloud', 'add', '--bootstrap-address', '10.10.10.12', '--bootstrap-values', file, '--no-preflight'],
      [
        {expect: 'Enter the sysadmin password for the subcloud:'},
        {send: 'First-Try-1\r'},
        {expect: 'Re-enter the sysadmin password for the subcloud to confirm:'},
        {send: 'Other-Try-2\r'},
        {expect: 'Passwords did not match'},
        {expect: 'Enter the sysadmin password for the subcloud:'},
        {send: 'Tty-Secret-77\r'},
        {expect: 'Re-enter'},
        {send: 'Tty-Secret-77\r'},
        {expect: 'not-deployed'},
      ],
      {env: faults.env()},
    )
    expect(result.error).toBeNull()
    expect(result.code).toBe(0)
    for (const secret of ['First-Try-1', 'Other-Try-2', 'Tty-Secret-77']) expect(result.output).not.toContain(secret)
    const [post] = faults.requests.filter((r) => r.method === 'POST' && r.path.startsWith('/dcmanager/'))
    expect(
      parseMultipart(post.body, String(post.headers['content-type'])).get('sysadmin_password')?.data.toString(),
    ).toBe(Buffer.from('Tty-Secret-77').toString('base64'))
  })

  it('--wait draws one live progress line; Ctrl-C stops waiting with exit 130 and says the deploy goes on', async () => {
    const file = files.write(
      'tty-wait.yml',
      bootstrapValues('sc-tty-wait', {
        management_subnet: '192.168.161.0/24',
        management_start_address: '192.168.161.2',
        management_end_address: '192.168.161.50',
        management_gateway_address: '192.168.161.1',
      }),
    )
    // Whatever the lab's deploy does, the fault server reports the subcloud still bootstrapping.
    faults.on(
      'GET',
      /^\/dcmanager\/v1\.0\/subclouds\/[^/]+\/?$/,
      json(subcloudRecord({name: 'sc-tty-wait', 'deploy-status': 'bootstrapping'})),
    )
    const result = await runDcmOnPty(
      [
        'subcloud',
        'add',
        '--bootstrap-address',
        '10.10.10.12',
        '--bootstrap-values',
        file,
        '--no-preflight',
        '--wait',
        '--poll-interval',
        '50',
      ],
      [{expect: 'sc-tty-wait: bootstrapping (step 5 of 7)'}, {signal: 'SIGINT'}],
      {env: faults.env({DCM_SYSADMIN_PASSWORD: 'Wait-Pw-1'})},
    )
    expect(result.error).toBeNull()
    expect(result.code).toBe(130)
    expect(result.output).toContain('Error: stopped waiting for subcloud')
    expect(result.output).toContain('Hint: the deployment continues on the System Controller')
    // A terminal gets no timestamped lines, only the rewritten status line.
    expect(result.output).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:\d\d/)
  })
})
