import {afterAll, afterEach, beforeAll, describe, expect, jest, test} from '@jest/globals'
import {execFileSync, spawn} from 'node:child_process'
import {existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {repoRoot, runDcm} from '../helpers/cli.js'
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
const builtMissing = existsSync(path.join(repoRoot, 'dist', 'commands', 'subcloud', 'bootstrap.js'))
  ? undefined
  : 'dist/ is not built (npm run build)'
const skip = sshdUnavailable() ?? ansibleMissing ?? builtMissing
if (skip) console.log(`skipping dcm subcloud bootstrap CLI tests: ${skip}`)
const maybe = skip ? describe.skip : describe
// Real ansible runs: generous per-test limits for a loaded 2-core CI machine.
jest.setTimeout(120_000)

/** A valid AIO-SX subcloud file (after test/fixtures/examples/bootstrap/valid-simplex-ipv4.yaml); n picks the networks. */
function subcloudValues(name: string, n: number, description = 'AIO-SX edge site'): string {
  return `system_mode: simplex
name: ${name}
description: "${description}"
management_subnet: 192.168.${100 + n}.0/24
management_start_address: 192.168.${100 + n}.2
management_end_address: 192.168.${100 + n}.50
management_gateway_address: 192.168.${100 + n}.1
systemcontroller_gateway_address: 192.168.204.101
external_oam_subnet: 10.10.${n * 10}.0/24
external_oam_gateway_address: 10.10.${n * 10}.1
external_oam_floating_address: 10.10.${n * 10}.2
dns_servers:
  - 10.10.10.53
`
}

const PASSWORD = `Sysadmin-${Math.random().toString(36).slice(2)}#1`

maybe('dcm subcloud bootstrap (built CLI) against real sshd + ansible-playbook', () => {
  let sshd: TestSshd
  let second: TestSshd
  let scratch: string
  let playbooks: string
  let sshConfig: string
  let knownHosts: string
  let logDir: string

  beforeAll(async () => {
    // Two hosts (two throwaway users) with the same sysadmin password, like a batch of freshly installed subclouds.
    sshd = await startSshd({password: PASSWORD, fakeSudo: true})
    second = await startSshd({password: PASSWORD, fakeSudo: true})
    scratch = mkdtempSync(path.join(os.tmpdir(), 'dcm-bootstrap-cli-'))
    playbooks = installTestPlaybooks(sshd.dir)
    installTestPlaybooks(second.dir)
    // The lab writes this kind of file: bootstrap addresses (data, never contacted) mapped to loopback ports.
    sshConfig = path.join(scratch, 'ssh_config')
    writeFileSync(
      sshConfig,
      [
        'Host 10.10.10.12',
        '  HostName 127.0.0.1',
        `  Port ${sshd.port}`,
        `  User ${sshd.user}`,
        'Host 10.10.20.12',
        '  HostName 127.0.0.1',
        `  Port ${second.port}`,
        `  User ${second.user}`,
        '',
      ].join('\n'),
    )
    knownHosts = path.join(scratch, 'known_hosts')
    logDir = path.join(scratch, 'logs')
    writeFileSync(path.join(scratch, 'subcloud1.yml'), subcloudValues('subcloud1', 1))
  })
  afterAll(async () => {
    await sshd?.stop()
    await second?.stop()
    if (scratch) rmSync(scratch, {recursive: true, force: true})
  })
  afterEach(() => {
    process.exitCode = undefined
  })

  // The task-count estimate lives in the user's state dir: keep it inside the test's scratch directory.
  const stateEnv = () => ({XDG_STATE_HOME: path.join(scratch, 'state')})
  const common = (playbook = 'bootstrap.yml', knownHostsFile = knownHosts) => [
    '--ssh-config',
    sshConfig,
    '--known-hosts',
    knownHostsFile,
    '--log-dir',
    logDir,
    '--playbook',
    path.join(playbooks, playbook),
    '--sysadmin-password-stdin',
  ]
  const single = (playbook?: string, extra: string[] = []) =>
    runDcm(
      [
        'subcloud',
        'bootstrap',
        '--bootstrap-address',
        '10.10.10.12',
        '--bootstrap-values',
        path.join(scratch, 'subcloud1.yml'),
        ...common(playbook),
        ...extra,
      ],
      {input: PASSWORD, timeoutMs: 120_000, env: stateEnv()},
    )

  test('success: pre-flight verdicts, log path first, summary table, exit 0, no password anywhere', async () => {
    const result = await single()
    // The log path comes first; the pre-flight verdicts follow (and are in the log too).
    expect(result.stderr.split('\n')[0]).toMatch(/^subcloud1: log file \//)
    expect(result.stderr).toContain('pre-flight [PASS] SSH reachable')
    expect(result.code).toBe(0)
    expect(result.stderr).toContain('pre-flight [PASS] sysadmin password accepted')
    expect(result.stderr).toContain(
      'pre-flight [PASS] bootstrap address in the OAM subnet: 10.10.10.12 is in 10.10.10.0/24',
    )
    expect(result.stderr).toMatch(/pre-flight \[WARN\] installed release: no SW_VERSION in \/etc\/build.info/)
    const logLine = /^subcloud1: log file (.+)$/m.exec(result.stderr)
    expect(logLine).not.toBeNull()
    const logPath = (logLine as RegExpExecArray)[1]
    expect(path.dirname(logPath)).toBe(logDir)
    // Plain progress (stderr is a pipe): one timestamped line per task.
    expect(result.stderr).toMatch(
      /^\[\d{4}-\d{2}-\d{2}T[\d:.]+Z\] subcloud1 bootstrap \+\d+m\d{2}s TASK 1: common\/prepare-env : Look for override files$/m,
    )
    expect(result.stdout).toMatch(/\| subcloud1 \| 10\.10\.10\.12 +\| complete \| +11 \|/)
    expect(fileMode(logPath)).toBe(0o600)
    expect(readFileSync(logPath, 'utf8')).toMatch(
      /^\d{4}-\d{2}-\d{2}-\d{2}:\d{2}:\d{2} pre-flight PASS SSH reachable: /,
    )
    for (const text of [result.stdout, result.stderr, readFileSync(logPath, 'utf8')])
      expect(text).not.toContain(PASSWORD)
  })

  test('a failing task: exit 1 naming the task and its message, once', async () => {
    const result = await single('fail.yml')
    expect(result.code).toBe(1)
    expect(result.stderr).toContain(
      'Error: subcloud1: bootstrap failed at task "bootstrap/validate-config : Fail if multicast subnet is not in valid range": Invalid multicast subnet: management_multicast_subnet -> 192.168.1.0/28\n',
    )
    expect(result.stderr).toMatch(/^Hint: see the log .*subcloud1_bootstrap_.*\.log$/m)
    // One run that failed: its Error line says it; no FAILED line and no one-row table repeat it.
    expect(result.stderr).not.toMatch(/FAILED subcloud1/)
    expect(result.stdout).toBe('')
    const json = await single('fail.yml', ['-f', 'json'])
    expect(JSON.parse(json.stdout)).toMatchObject([{name: 'subcloud1', result: 'failed'}])
  })

  test('wrong password: exit 3 with a clear message from the pre-flight (and without it)', async () => {
    const result = await runDcm(
      [
        'subcloud',
        'bootstrap',
        '--bootstrap-address',
        '10.10.10.12',
        '--bootstrap-values',
        path.join(scratch, 'subcloud1.yml'),
        ...common(),
      ],
      {input: 'wrong-password', env: stateEnv()},
    )
    expect(result.code).toBe(3)
    // The failed check by name; what failed and what to do are the Error and Hint lines, once each.
    expect(result.stderr).toMatch(/^pre-flight \[FAIL\] sysadmin password accepted$/m)
    expect(result.stderr.match(/authentication failed/g)).toHaveLength(1)
    expect(result.stderr.match(/^Hint: /gm)).toHaveLength(1)
    expect(result.stderr).toContain('pre-flight [SKIP] installed release')
    expect(result.stderr).toContain(
      `Error: subcloud1: pre-flight "sysadmin password accepted" failed: authentication failed for ${sshd.user}@10.10.10.12`,
    )
    const direct = await runDcm(
      [
        'subcloud',
        'bootstrap',
        '--bootstrap-values',
        path.join(scratch, 'subcloud1.yml'),
        '--bootstrap-address',
        '10.10.10.12',
        '--no-preflight',
        ...common(),
      ],
      {input: 'wrong-password', env: stateEnv()},
    )
    expect(direct.code).toBe(3)
    expect(direct.stderr).toContain(`Error: subcloud1: authentication failed for ${sshd.user}@10.10.10.12`)
    expect(direct.stderr).toContain('Hint: check the sysadmin password (--sysadmin-password-stdin')
  })

  test('an invalid override file exits 2 before anything connects', async () => {
    const bad = path.join(scratch, 'bad.yml')
    writeFileSync(
      bad,
      subcloudValues('subcloud9', 1).replace(
        'management_gateway_address: 192.168.101.1',
        'management_gateway_address: 192.168.121.1',
      ),
    )
    const connectionsBefore = (sshd.log().match(/Connection from/g) ?? []).length
    const result = await runDcm(
      ['subcloud', 'bootstrap', '--bootstrap-address', '10.10.10.12', '--bootstrap-values', bad, ...common()],
      {input: PASSWORD, env: stateEnv()},
    )
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(
      new RegExp(`^Error: ${bad.replace(/[.]/g, '\\.')}:\\d+:\\d+: .*management_gateway_address`, 'm'),
    )
    expect(result.stdout).toBe('')
    expect((sshd.log().match(/Connection from/g) ?? []).length).toBe(connectionsBefore)
  })

  test('a changed host key is refused (exit 3) showing the fingerprint', async () => {
    const other = path.join(scratch, 'other_key')
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', other])
    const pinned = path.join(scratch, 'known_hosts_pinned')
    const otherPublic = readFileSync(`${other}.pub`, 'utf8').split(' ').slice(0, 2).join(' ')
    writeFileSync(pinned, `[127.0.0.1]:${sshd.port} ${otherPublic}\n`)
    const result = await runDcm(
      [
        'subcloud',
        'bootstrap',
        '--bootstrap-address',
        '10.10.10.12',
        '--bootstrap-values',
        path.join(scratch, 'subcloud1.yml'),
        ...common('bootstrap.yml', pinned),
      ],
      {input: PASSWORD, env: stateEnv()},
    )
    expect(result.code).toBe(3)
    expect(result.stderr).toMatch(
      /host key for \[127\.0\.0\.1\]:\d+ has CHANGED \(now ssh-ed25519 SHA256:[A-Za-z0-9+/]{43}\)/,
    )
    expect(result.stderr).toContain(`Hint: if the host was reinstalled, remove line 1 of ${pinned}`)
  })

  test('a batch from a directory with an address map, --parallel 2: one failure does not stop the other', async () => {
    const dir = path.join(scratch, 'site-a')
    mkdirSync(dir)
    writeFileSync(path.join(dir, 'subcloud1.yml'), subcloudValues('subcloud1', 1))
    writeFileSync(path.join(dir, 'subcloud2.yml'), subcloudValues('subcloud2', 2, 'dcm-test-fail'))
    writeFileSync(path.join(dir, 'addresses.yml'), 'subcloud1: 10.10.10.12\nsubcloud2: 10.10.20.12\n')
    const result = await runDcm(
      ['subcloud', 'bootstrap', '--bootstrap-values', dir, '--parallel', '2', ...common(), '-f', 'json'],
      {input: PASSWORD, timeoutMs: 120_000, env: stateEnv()},
    )
    expect(result.code).toBe(1)
    const rows = JSON.parse(result.stdout) as Record<string, unknown>[]
    expect(rows.map((r) => [r.name, r['bootstrap address'], r.result])).toEqual([
      ['subcloud1', '10.10.10.12', 'complete'],
      ['subcloud2', '10.10.20.12', 'failed'],
    ])
    expect(rows[1]['failed task']).toBe('bootstrap/validate-config : Fail if multicast subnet is not in valid range')
    expect(result.stderr).toContain('Error: 1 of 2 bootstraps did not complete: subcloud2')
    // Interleaved plain progress lines name their subcloud.
    expect(result.stderr).toMatch(/\] subcloud2 bootstrap \+\d+m\d{2}s TASK \d+\/~11:/)
    // The first test's complete run of the same playbook gives the estimate: "task n of ~11".
    expect(result.stderr).toMatch(
      /\] subcloud1 bootstrap \+\d+m\d{2}s TASK 1\/~11: common\/prepare-env : Look for override files/,
    )
  })

  test('--timeout stops the playbook: exit 4', async () => {
    const result = await single('slow.yml', ['--timeout', '8'])
    expect(result.code).toBe(4)
    // Normally during the manifest step; on a heavily loaded machine ansible may not have got that far in 8 s.
    expect(result.stderr).toMatch(
      /^Error: subcloud1: bootstrap timed out after 8s; the playbook was stopped( during "[^"]+")?$/m,
    )
    expect(sshd.pgrep('sleep 297')).toEqual([])
  })

  test('on a terminal: one live line redrawn in place (step n/12, task n/~N, current task)', async () => {
    if (!existsSync('/usr/bin/script')) {
      console.log('skipping the terminal test: script(1) is missing (util-linux)')
      return
    }
    const cli = [
      process.execPath,
      path.join(repoRoot, 'bin', 'run.js'),
      'subcloud',
      'bootstrap',
      '--bootstrap-address',
      '10.10.10.12',
      '--bootstrap-values',
      path.join(scratch, 'subcloud1.yml'),
      ...common().filter((arg) => arg !== '--sysadmin-password-stdin'),
    ]
    // script(1) gives the CLI a pseudo-terminal; the password comes from the environment (never argv).
    const output = await new Promise<string>((resolve, reject) => {
      const child = spawn('/usr/bin/script', ['-qfec', cli.map((a) => `'${a}'`).join(' '), '/dev/null'], {
        env: {
          ...process.env,
          ...stateEnv(),
          DCM_SYSADMIN_PASSWORD: PASSWORD,
          TERM: 'xterm',
          CI: '',
          COLUMNS: '120',
          NODE_OPTIONS: '',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      let text = ''
      child.stdout.on('data', (chunk) => (text += chunk))
      child.on('error', reject)
      child.on('close', (code) => (code === 0 ? resolve(text) : reject(new Error(`exit ${code}: ${text}`))))
    })
    const frames = output.split('\r\x1b[2K')
    expect(frames.length).toBeGreaterThan(5)
    expect(
      frames.some((f) =>
        /^. subcloud1 bootstrap \dm\d{2}s step 6\/12 task 9\/~11 bootstrap\/apply-manifest : /.test(f),
      ),
    ).toBe(true)
    expect(output).toContain('✔ subcloud1: bootstrap complete (11 tasks')
    // No timestamped plain lines on a terminal.
    expect(output).not.toMatch(/\] subcloud1 bootstrap \+/)
    expect(output).not.toContain(PASSWORD)
  })

  test('Ctrl-C: exit 130, the remote process group is gone, the password was in no argv', async () => {
    const child = spawn(
      process.execPath,
      [
        path.join(repoRoot, 'bin', 'run.js'),
        'subcloud',
        'bootstrap',
        '--bootstrap-address',
        '10.10.10.12',
        '--bootstrap-values',
        path.join(scratch, 'subcloud1.yml'),
        ...common('slow.yml'),
      ],
      {
        cwd: repoRoot,
        stdio: ['pipe', 'pipe', 'pipe'],
        env: {...process.env, ...stateEnv(), NODE_OPTIONS: '', NO_COLOR: '1'},
      },
    )
    let stderr = ''
    child.stderr.on('data', (chunk) => (stderr += chunk))
    child.stdout.resume()
    child.stdin.end(PASSWORD)
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)))
    const deadline = Date.now() + 60_000
    while (sshd.pgrep('sleep 297').length === 0) {
      if (Date.now() > deadline) throw new Error(`the playbook never reached the manifest step:\n${stderr}`)
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    expect(allProcessCommandLines().filter((line) => line.includes(PASSWORD))).toEqual([])
    child.kill('SIGINT')
    const code = await exited
    expect(code).toBe(130)
    expect(stderr).toContain('Interrupted: stopping the remote playbook(s)...')
    expect(stderr).toContain('Error: subcloud1: bootstrap interrupted; the playbook was stopped')
    expect(sshd.pgrep('sleep 297')).toEqual([])
    expect(sshd.pgrep('ansible-playbook')).toEqual([])
  })
})
