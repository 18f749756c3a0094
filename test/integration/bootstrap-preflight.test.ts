import {afterAll, beforeAll, describe, expect, test} from '@jest/globals'
import {execFileSync} from 'node:child_process'
import {mkdtempSync, rmSync} from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'

import {type BootstrapMarkers, type PreflightOptions, runPreflight} from '../../src/core/bootstrap/preflight.js'
import {ExitCode} from '../../src/core/errors.js'
import {type TestSshd, startSshd, sshdUnavailable} from '../helpers/sshd.js'

const skip = sshdUnavailable()
if (skip) console.log(`skipping pre-flight integration tests: ${skip}`)
const maybe = skip ? describe.skip : describe

maybe('pre-flight checks against a real sshd', () => {
  let sshd: TestSshd
  let scratch: string
  let markers: BootstrapMarkers
  // Files are created as the test user, in its home (the real paths are under /etc and /opt: not ours to touch).
  const asUser = (script: string) => execFileSync('su', ['-s', '/bin/sh', '-c', script, sshd.user])

  beforeAll(async () => {
    sshd = await startSshd({fakeSudo: true})
    scratch = mkdtempSync(path.join(os.tmpdir(), 'dcm-preflight-'))
    markers = {
      finalized: [
        `${sshd.home}/etc/platform/.initial_config_complete`,
        `${sshd.home}/opt/{release}/.bootstrap_finalized`,
      ],
      completed: [`${sshd.home}/etc/platform/.bootstrap_completed`],
      buildInfo: `${sshd.home}/etc/build.info`,
    }
    asUser(
      `mkdir -p ~/etc/platform ~/opt/26.10 && printf 'OS="debian"\\nSW_VERSION="26.10"\\nBUILD_ID="r/stx.11"\\n' > ~/etc/build.info`,
    )
  })
  afterAll(async () => {
    await sshd?.stop()
    if (scratch) rmSync(scratch, {recursive: true, force: true})
  })

  const options = (extra: Partial<PreflightOptions> = {}): PreflightOptions => ({
    target: {
      host: sshd.host,
      port: sshd.port,
      user: sshd.user,
      configFile: null,
      knownHostsFile: path.join(scratch, 'kh'),
    },
    password: sshd.password,
    bootstrapAddress: '10.10.10.12',
    overrides: {external_oam_subnet: '10.10.10.0/24'},
    release: '26.10',
    markers,
    ...extra,
  })
  const verdicts = (report: {checks: {id: string; verdict: string}[]}) =>
    report.checks.map((c) => `${c.id}:${c.verdict}`)

  test('a fresh controller passes every check, reported in order as they complete', async () => {
    const seen: string[] = []
    const report = await runPreflight(options({onCheck: (check) => seen.push(check.id)}))
    expect(report.ok).toBe(true)
    expect(verdicts(report)).toEqual([
      'ssh-reachable:pass',
      'password:pass',
      'oam-subnet:pass',
      'release:pass',
      'not-bootstrapped:pass',
    ])
    expect(seen).toEqual(report.checks.map((c) => c.id))
    expect(report.checks[3].detail).toBe('26.10')
  })

  test('warnings never stop: address outside the OAM subnet, a completed bootstrap (replay)', async () => {
    asUser('touch ~/etc/platform/.bootstrap_completed')
    try {
      const report = await runPreflight(options({bootstrapAddress: '10.10.20.12'}))
      expect(report.ok).toBe(true)
      expect(verdicts(report)).toEqual([
        'ssh-reachable:pass',
        'password:pass',
        'oam-subnet:warn',
        'release:pass',
        'not-bootstrapped:warn',
      ])
      expect(report.checks[2].detail).toBe('bootstrap-address 10.10.20.12 is not in external_oam_subnet 10.10.10.0/24')
    } finally {
      asUser('rm -f ~/etc/platform/.bootstrap_completed')
    }
  })

  test('the first failure stops with a hint: release mismatch, then a finalized bootstrap', async () => {
    const mismatch = await runPreflight(options({release: '25.09'}))
    expect(mismatch.ok).toBe(false)
    expect(verdicts(mismatch)).toEqual([
      'ssh-reachable:pass',
      'password:pass',
      'oam-subnet:pass',
      'release:fail',
      'not-bootstrapped:skip',
    ])
    expect(mismatch.failed?.hint).toBe('re-install controller-0 with 25.09, or pass --release 26.10')
    expect(mismatch.error?.exitCode).toBe(ExitCode.failed)

    asUser('touch ~/opt/26.10/.bootstrap_finalized')
    try {
      const finalized = await runPreflight(options())
      expect(finalized.failed).toMatchObject({
        id: 'not-bootstrapped',
        detail:
          'The bootstrap of host 10.10.10.12 has already been finalized. Please re-install before attempting to bootstrap it again.',
      })
    } finally {
      asUser('rm -f ~/opt/26.10/.bootstrap_finalized')
    }
  })

  test('unreachable (exit 3), wrong password (exit 3: authentication), and a key login whose password sudo refuses', async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const server = net.createServer().listen(0, '127.0.0.1', () => {
        const {port} = server.address() as net.AddressInfo
        server.close(() => resolve(port))
      })
    })
    const unreachable = await runPreflight(options({target: {...options().target, port: closedPort}}))
    expect(verdicts(unreachable)).toEqual([
      'ssh-reachable:fail',
      'password:skip',
      'oam-subnet:skip',
      'release:skip',
      'not-bootstrapped:skip',
    ])
    expect(unreachable.error?.exitCode).toBe(ExitCode.unreachable)

    const wrong = await runPreflight(options({password: 'wrong-one'}))
    expect(verdicts(wrong).slice(0, 2)).toEqual(['ssh-reachable:pass', 'password:fail'])
    expect(wrong.error?.exitCode).toBe(ExitCode.unreachable)
    expect(wrong.failed?.hint).toMatch(
      /^check the sysadmin password \(--sysadmin-password-stdin, DCM_SYSADMIN_PASSWORD/,
    )

    const keyLogin = await runPreflight(
      options({password: 'wrong-one', target: {...options().target, identityFiles: [sshd.clientKeyFile]}}),
    )
    expect(verdicts(keyLogin).slice(0, 2)).toEqual(['ssh-reachable:pass', 'password:fail'])
    expect(keyLogin.failed?.detail).toContain('refused the sysadmin password')
  })
})
