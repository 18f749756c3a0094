import {afterAll, beforeAll, describe, expect, jest, test} from '@jest/globals'
import {execFileSync} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {runBootstrap} from '../../src/core/bootstrap/engine.js'
import type {BootstrapEvent, BootstrapOptions} from '../../src/core/bootstrap/types.js'
import {ExitCode} from '../../src/core/errors.js'
import {allProcessCommandLines, fileMode, installTestPlaybooks} from '../helpers/playbooks.js'
import {type TestSshd, startSshd, sshdUnavailable} from '../helpers/sshd.js'

const ansibleMissing = (() => {
  try {
    execFileSync('ansible-playbook', ['--version'], {stdio: 'ignore'})
    return undefined
  } catch {
    return 'ansible-playbook is missing (apt-get install ansible-core)'
  }
})()
const skip = sshdUnavailable() ?? ansibleMissing
if (skip) console.log(`skipping bootstrap engine integration tests: ${skip}`)
const maybe = skip ? describe.skip : describe
// Real ansible runs: generous per-test limits for a loaded 2-core CI machine.
jest.setTimeout(120_000)

const OVERRIDES = `system_mode: simplex
name: subcloud1
external_oam_subnet: 10.10.10.0/24
external_oam_gateway_address: 10.10.10.1
external_oam_floating_address: 10.10.10.2
`

maybe('runBootstrap against a real sshd running real ansible-playbook', () => {
  let sshd: TestSshd
  let scratch: string
  let playbooks: string

  beforeAll(async () => {
    sshd = await startSshd()
    scratch = mkdtempSync(path.join(os.tmpdir(), 'dcm-bootstrap-test-'))
    playbooks = installTestPlaybooks(sshd.dir)
  })
  afterAll(async () => {
    await sshd?.stop()
    if (scratch) rmSync(scratch, {recursive: true, force: true})
  })

  const options = (playbook: string, extra: Partial<BootstrapOptions> = {}): BootstrapOptions => ({
    target: {
      host: sshd.host,
      port: sshd.port,
      user: sshd.user,
      configFile: null,
      knownHostsFile: path.join(scratch, 'known_hosts'),
    },
    password: sshd.password,
    overridesText: OVERRIDES,
    subcloudName: 'subcloud1',
    playbook: path.join(playbooks, playbook),
    logDir: path.join(scratch, 'logs'),
    ...extra,
  })

  const waitFor = async (condition: () => boolean, what: string, ms = 30_000) => {
    const deadline = Date.now() + ms
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }

  test('a successful run: events, recap, 0600 log with the header, overrides removed afterwards', async () => {
    const events: BootstrapEvent[] = []
    const result = await runBootstrap(options('bootstrap.yml', {onEvent: (e) => events.push(e)}))
    expect(result).toMatchObject({outcome: 'complete', exitCode: ExitCode.ok, subcloudName: 'subcloud1'})
    expect(result.recap?.localhost).toMatchObject({failed: 0, ignored: 1, unreachable: 0})
    expect(result.tasksRun).toBe(11)
    expect(result.summary).toMatch(/^subcloud1: bootstrap complete \(11 tasks, ok=\d+ changed=\d+ failed=0\)$/)
    // The log path is the first thing reported.
    expect(events[0]).toEqual({type: 'log-file', path: result.logPath})
    const tasks = events.flatMap((e) => (e.type === 'ansible' && e.event.type === 'task' ? [e.event] : []))
    expect(tasks[0]).toMatchObject({index: 1, role: 'common/prepare-env', name: 'Look for override files'})
    expect(tasks.map((t) => t.role)).toContain('bootstrap/complete-bootstrap')
    const statuses = events.flatMap((e) => (e.type === 'ansible' && e.event.type === 'result' ? [e.event.status] : []))
    expect(statuses).toEqual(expect.arrayContaining(['ok', 'changed', 'skipped', 'ignored']))

    const logPath = result.logPath as string
    expect(path.basename(logPath)).toMatch(/^subcloud1_bootstrap_\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}\.log$/)
    expect(fileMode(logPath)).toBe(0o600)
    const log = readFileSync(logPath, 'utf8')
    expect(log.split('\n')[0]).toMatch(
      new RegExp(
        `^\\d{4}-\\d{2}-\\d{2}-\\d{2}:\\d{2}:\\d{2} Executing playbook command \\(timeout: 3600s\\): \\['ansible-playbook', '${path.join(playbooks, 'bootstrap.yml')}'\\]$`,
      ),
    )
    expect(log).toContain('PLAY RECAP')
    expect(log).not.toContain(sshd.password)
    // The playbook saw the uploaded file at 0600 (its first role checks), and it is gone afterwards.
    expect(execFileSync('ls', ['-A', sshd.home], {encoding: 'utf8'})).not.toContain('localhost.yml')
    expect(execFileSync('ls', ['-A', sshd.home], {encoding: 'utf8'})).toContain('.bootstrap_completed')
  })

  test('a failing task is named in the result with its message and a dcmanager-style error description', async () => {
    const result = await runBootstrap(options('fail.yml'))
    expect(result.outcome).toBe('failed')
    expect(result.exitCode).toBe(ExitCode.failed)
    expect(result.playbookExitCode).toBe(2)
    expect(result.failedTask).toBe('bootstrap/validate-config : Fail if multicast subnet is not in valid range')
    expect(result.failureMessage).toBe('Invalid multicast subnet: management_multicast_subnet -> 192.168.1.0/28')
    expect(result.summary).toBe(
      'subcloud1: bootstrap failed at task "bootstrap/validate-config : Fail if multicast subnet is not in valid range": Invalid multicast subnet: management_multicast_subnet -> 192.168.1.0/28',
    )
    expect(result.errorDescription).toBe(
      'FAILED bootstrapping playbook of (subcloud1).\n' +
        'detail: fatal: [localhost]: FAILED! => {"changed": false, "msg": "Invalid multicast subnet: management_multicast_subnet -> 192.168.1.0/28"} \n' +
        'FAILED TASK: TASK [bootstrap/validate-config : Fail if multicast subnet is not in valid range] ',
    )
    expect(result.recap?.localhost.failed).toBe(1)
  })

  test('ansible itself failing (missing playbook, missing ansible-playbook) is a failed run with its message', async () => {
    const missing = await runBootstrap(options('no-such-playbook.yml'))
    expect(missing.outcome).toBe('failed')
    expect(missing.exitCode).toBe(ExitCode.failed)
    expect(missing.failedTask).toBeUndefined()
    expect(missing.failureMessage).toMatch(/^the playbook: .*no-such-playbook\.yml could not be found$/)
    expect(missing.errorDescription).toMatch(
      /^FAILED bootstrapping playbook of \(subcloud1\)\.\ndetail: ERROR! the playbook: /,
    )
    const noAnsible = await runBootstrap(options('bootstrap.yml', {ansiblePlaybook: '/opt/nothing/ansible-playbook'}))
    expect(noAnsible.outcome).toBe('failed')
    expect(noAnsible.playbookExitCode).toBe(127)
    expect(noAnsible.summary).toContain('bootstrap failed (ansible-playbook exit 127)')
    expect(noAnsible.summary).toContain('/opt/nothing/ansible-playbook')
  })

  test('wrong password: not started, exit 3, a clear message, and the log says so', async () => {
    const result = await runBootstrap({...options('bootstrap.yml'), password: 'definitely-wrong'})
    expect(result.outcome).toBe('not-started')
    expect(result.exitCode).toBe(3)
    expect(result.summary).toBe(
      `subcloud1: authentication failed for ${sshd.user}@127.0.0.1:${sshd.port}: the password or key was not accepted`,
    )
    expect(readFileSync(result.logPath as string, 'utf8')).toContain('bootstrap not started: authentication failed')
  })

  test('Ctrl-C stops the remote process group; the password is in no process argv while it runs', async () => {
    const controller = new AbortController()
    const running = runBootstrap(options('slow.yml', {signal: controller.signal}))
    await waitFor(() => sshd.pgrep('sleep 297').length > 0, 'the playbook to reach the manifest step')
    expect(sshd.pgrep('ansible-playbook').length).toBeGreaterThan(0)
    const leaking = allProcessCommandLines().filter((line) => line.includes(sshd.password))
    expect(leaking).toEqual([])
    controller.abort()
    const result = await running
    expect(result.outcome).toBe('aborted')
    expect(result.exitCode).toBe(ExitCode.interrupted)
    expect(result.summary).toContain('during "bootstrap/apply-manifest : Applying puppet bootstrap manifest"')
    expect(sshd.pgrep('sleep 297')).toEqual([])
    expect(sshd.pgrep('ansible-playbook')).toEqual([])
    const log = readFileSync(result.logPath as string, 'utf8')
    expect(log).toMatch(/process group \d+ stopped/)
    expect(log).toContain('ABORTED by the operator - playbook is terminated')
    expect(log).not.toContain(sshd.password)
  })

  test('Ctrl-C waits while the playbook holds the not-abortable flag, then stops the group', async () => {
    const controller = new AbortController()
    const events: BootstrapEvent[] = []
    const running = runBootstrap(options('slow.yml', {signal: controller.signal, onEvent: (e) => events.push(e)}))
    await waitFor(() => sshd.pgrep('sleep 297').length > 0, 'the playbook to reach the manifest step')
    // What bootstrap/apply-manifest does on a real subcloud (local-bootstrap.md §5.7).
    const flag = path.join(sshd.home, '.localhost_deploy_not_abortable')
    execFileSync('su', ['-s', '/bin/sh', '-c', `touch ${flag}`, sshd.user])
    controller.abort()
    await waitFor(
      () =>
        events.some((e) => e.type === 'stage' && e.stage === 'stopping' && /waiting up to 600s/.test(e.detail ?? '')),
      'the stop to report that it waits',
    )
    await new Promise((resolve) => setTimeout(resolve, 1500))
    expect(sshd.pgrep('sleep 297').length).toBeGreaterThan(0)
    rmSync(flag)
    const result = await running
    expect(result.outcome).toBe('aborted')
    expect(sshd.pgrep('sleep 297')).toEqual([])
    expect(readFileSync(result.logPath as string, 'utf8')).toContain(
      'waiting (at most 600s) for a step that must not be interrupted before stopping the playbook',
    )
  })

  test('--timeout kills the run and writes the dcmanager TIMEOUT line', async () => {
    const result = await runBootstrap(options('slow.yml', {timeoutSeconds: 4}))
    expect(result.outcome).toBe('timeout')
    expect(result.exitCode).toBe(ExitCode.timeout)
    expect(result.errorDescription).toBe('Timeout occurred while bootstrapping subcloud subcloud1')
    expect(readFileSync(result.logPath as string, 'utf8')).toMatch(
      /\n\d{4}-\d{2}-\d{2}-\d{2}:\d{2}:\d{2} TIMEOUT \(4s\) - playbook is terminated\n/,
    )
    expect(sshd.pgrep('sleep 297')).toEqual([])
  })

  test('an inactivity limit stops a silent run and says so', async () => {
    const result = await runBootstrap(options('slow.yml', {inactivityTimeoutSeconds: 5}))
    expect(result.outcome).toBe('timeout')
    expect(result.exitCode).toBe(ExitCode.timeout)
    // The silent step is the manifest (sleep 297); output before it keeps re-arming the limit.
    expect(result.summary).toBe(
      'subcloud1: no output from the playbook for 5s during "bootstrap/apply-manifest : Applying puppet bootstrap manifest"; the playbook was stopped',
    )
    expect(readFileSync(result.logPath as string, 'utf8')).toContain(
      'INACTIVITY TIMEOUT (5s without output) - playbook is terminated',
    )
    expect(sshd.pgrep('sleep 297')).toEqual([])
  })

  test('a connection dropped mid-run is reported as such and the log is kept', async () => {
    const running = runBootstrap(options('slow.yml'))
    await waitFor(() => sshd.pgrep('sleep 297').length > 0, 'the playbook to reach the manifest step')
    // The user-side sshd process of our connection: killing it drops the TCP connection from the server side.
    const sessions = sshd.pgrep(`sshd: ${sshd.user}`)
    expect(sessions.length).toBeGreaterThan(0)
    for (const pid of sessions) process.kill(pid, 'SIGKILL')
    const result = await running
    expect(result.outcome).toBe('connection-lost')
    expect(result.exitCode).toBe(ExitCode.unreachable)
    // The overrides hold ansible_become_pass: the error says where they were left (the playbook may still read them).
    const left = `the uploaded overrides (with the sysadmin password) are still on 127.0.0.1 at ${sshd.home}/localhost.yml: the next bootstrap of this host removes them, or remove them by hand`
    expect(result.summary).toMatch(
      /^subcloud1: the SSH connection to 127.0.0.1 was lost during the bootstrap; the playbook may still be running on the host \(remote process group \d+\); /,
    )
    expect(result.summary.endsWith(left)).toBe(true)
    const log = readFileSync(result.logPath as string, 'utf8')
    expect(log).toContain('TASK [bootstrap/apply-manifest : Applying puppet bootstrap manifest]')
    expect(log).toMatch(/CONNECTION LOST - the playbook may still be running on the host \(remote process group \d+\)/)
    expect(log).toContain(left)
    expect(execFileSync('ls', ['-A', sshd.home], {encoding: 'utf8'})).toContain('localhost.yml')
    // What the host was left running is stopped by the test's own cleanup (by pid).
    for (const pid of sshd.pgrep('sleep 297')) process.kill(pid, 'SIGKILL')
    // The next bootstrap of the host replaces the file and removes it.
    expect((await runBootstrap(options('bootstrap.yml'))).outcome).toBe('complete')
    expect(execFileSync('ls', ['-A', sshd.home], {encoding: 'utf8'})).not.toContain('localhost.yml')
  })
})
