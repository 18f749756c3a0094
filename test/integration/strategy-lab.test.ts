import {spawn} from 'node:child_process'
import path from 'node:path'

import {afterAll, afterEach, beforeAll, describe, expect, test} from '@jest/globals'

import {defaultOutputOptions, formatList} from '../../src/core/output/index.js'
import {STEP_LIST, stepRow} from '../../src/core/strategies/columns.js'
import type {StrategyStep} from '../../src/core/api/strategies/types.js'
import {repoRoot, runDcm} from '../helpers/cli.js'
import {startTestLab, type TestLab} from '../helpers/lab.js'
import {call, resetLab, seed, steps} from '../helpers/orchestration.js'

/**
 * The strategy commands through the built CLI against the lab's orchestrator (one lab, zero-length states:
 * each state lasts one 5 ms orchestrator loop): every family's create / show / apply --wait / delete, abort
 * mid-apply, --wait exit codes 0/1/4/130, create --dry-run against the steps really created, and the tables
 * rendered from the same lab state.
 */
let lab: TestLab
const dcm = (...args: string[]) => runDcm(args, {env: {...lab.env, DCM_SYSADMIN_PASSWORD: 'Lab-Sysadmin-1'}})

beforeAll(async () => {
  lab = await startTestLab({
    releases: ['24.09', '25.09'],
    orchestrator: {workerTickMs: 5, managerTickMs: 5, stateMs: 0, idleMs: 5, stateDurationsMs: {}},
  })
})
afterAll(async () => {
  await lab.stop()
})
afterEach(async () => {
  await resetLab(lab)
  lab.orchestrator.engine.timing.stateMs = 0
})

const value = (stdout: string) => stdout.trim().split('\n')

describe('every family through the CLI', () => {
  const families: Array<[string, string, string, string[]]> = [
    ['fw-update-strategy', 'firmware', 'firmware', []],
    ['kube-rootca-update-strategy', 'kube-rootca-update', 'kube-rootca', ['--expiry-date', '2099-12-31']],
    ['kube-upgrade-strategy', 'kubernetes', 'kubernetes', ['--to-version', 'v1.29.2']],
    ['prestage-strategy', 'prestage', 'software', ['--for-sw-deploy', '--release', '25.09']],
    ['sw-deploy-strategy', 'sw-deploy', 'software', ['--release-id', 'stx-25.09.1']],
  ]

  test.each(families)(
    '%s: create, show, apply --wait (exit 0), abort, delete',
    async (family, type, endpoint, extra) => {
      await seed(lab, 2, {[endpoint]: 'out-of-sync'})
      const created = await dcm(family, 'create', ...extra, '-f', 'value', '-c', 'state', '-c', 'created_at')
      expect({code: created.code, stderr: created.stderr}).toEqual({code: 0, stderr: ''})
      const [state, createdAt] = value(created.stdout)
      expect(state).toBe('initial')
      // RPC-served answers print `T`, GET answers a space (orchestration.md §1.3).
      expect(createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/)
      const shown = await dcm(family, 'show', '-f', 'value', '-c', 'created_at')
      expect(shown.stdout.trim()).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{6})?$/)
      const applied = await dcm(family, 'apply', '--wait', '--poll-interval', '50', '-f', 'value', '-c', 'state')
      expect({code: applied.code, stdout: applied.stdout}).toEqual({code: 0, stdout: 'complete\n'})
      // Zero-length states: the run may be over by the first poll; the last lines name the outcome.
      expect(applied.stderr).toMatch(/ steps: 2 complete, 0 running, 0 not started, 0 failed \(of 2\)\n$/)
      // abort reaches this family's strategy (its `?type=`): refused in state complete, with the server's text.
      const aborted = await dcm(family, 'abort')
      expect({code: aborted.code, stderr: aborted.stderr}).toEqual({
        code: 1,
        stderr: `Error: Unable to abort strategy of type '${type}': Bad strategy request: Strategy in state complete cannot be aborted (HTTP 422)\n`,
      })
      const deleted = await dcm(family, 'delete', '-f', 'value', '-c', 'state')
      expect({code: deleted.code, stdout: deleted.stdout}).toEqual({code: 0, stdout: 'deleting\n'})
    },
  )
})

describe('sw-deploy create output', () => {
  test('--with-delete prints the deprecation notice on stdout, then the table with delete_option delete', async () => {
    await seed(lab, 1)
    const created = await dcm('sw-deploy-strategy', 'create', '--release-id', 'stx-25.09.1', '--with-delete')
    expect(created.code).toBe(0)
    const notice =
      '\n    ### DEPRECATION NOTICE: --with-delete ###\n\n    This option is deprecated and will be removed in a future release. Please use --delete instead.\n    \n'
    expect(created.stdout.startsWith(`${notice}+--`)).toBe(true)
    const rows = created.stdout
      .slice(notice.length)
      .split('\n')
      .filter((line) => line.startsWith('| '))
      .map((line) =>
        line
          .split('|')
          .map((cell) => cell.trim())
          .slice(1, 3),
      )
    expect(rows.slice(0, 11)).toEqual([
      ['Field', 'Value'],
      ['strategy type', 'sw-deploy'],
      ['subcloud apply type', 'None'],
      ['max parallel subclouds', '2'],
      ['stop on failure', 'False'],
      ['release_id', 'stx-25.09.1'],
      ['snapshot', 'False'],
      ['rollback', 'False'],
      ['delete_option', 'delete'],
      ['with_prestage', 'None'],
      ['kube_upgrade', ''],
    ])
  })
})

describe('apply --wait and show --watch against a running orchestrator', () => {
  test('exit 1 when a step fails, the failure named on stderr and by strategy-step list --failed', async () => {
    await seed(lab, 3)
    await call(lab, 'POST', '/lab/subclouds/subcloud2', {fail_strategy_at: 'create VIM sw-deploy strategy'})
    expect((await dcm('sw-deploy-strategy', 'create', '--release-id', 'stx-25.09.1')).code).toBe(0)
    const applied = await dcm('sw-deploy-strategy', 'apply', '--wait', '--quiet', '--poll-interval', '50')
    expect(applied.code).toBe(1)
    expect(applied.stderr).toMatch(
      /^failed: subcloud2: create VIM sw-deploy strategy: Failed for subcloud subcloud2: .+\nError: the sw-deploy strategy ended failed: 1 of 3 steps failed\n/,
    )
    const failed = await dcm('strategy-step', 'list', '--failed', '-f', 'value', '-c', 'cloud', '-c', 'state')
    expect(failed.stdout).toBe('subcloud2 failed\n')
    // The table is the API's steps rendered as upstream renders them, byte for byte.
    const table = await dcm('strategy-step', 'list')
    const live = (await steps(lab)) as unknown as StrategyStep[]
    expect(table.stdout).toBe(formatList(STEP_LIST, live.map(stepRow), defaultOutputOptions()))
  })

  test('exit 4 on --timeout; abort, then show --watch follows it to aborted (exit 1)', async () => {
    await seed(lab, 4)
    lab.orchestrator.engine.timing.stateMs = 60_000
    await dcm('sw-deploy-strategy', 'create', '--release-id', 'stx-25.09.1', '--max-parallel-subclouds', '1')
    const waited = await dcm(
      'sw-deploy-strategy',
      'apply',
      '--wait',
      '--quiet',
      '--timeout',
      '1',
      '--poll-interval',
      '50',
    )
    expect(waited.code).toBe(4)
    expect(waited.stderr).toContain('Hint: the strategy keeps running on the System Controller')
    const aborted = await dcm('sw-deploy-strategy', 'abort', '-f', 'value', '-c', 'state')
    expect(aborted.stdout).toBe('abort requested\n')
    lab.orchestrator.engine.timing.stateMs = 0
    const watched = await dcm('sw-deploy-strategy', 'show', '--watch', '--quiet', '--poll-interval', '50')
    // The running step finishes, the three not started are aborted: the strategy ends aborted (exit 1).
    expect(watched.code).toBe(1)
    expect(watched.stderr).toContain('Error: the sw-deploy strategy ended aborted: 0 of 4 steps failed, 3 aborted')
    const refused = await dcm('sw-deploy-strategy', 'abort')
    expect(refused.code).toBe(1)
    expect(refused.stderr).toBe(
      "Error: Unable to abort strategy of type 'sw-deploy': Bad strategy request: Strategy in state aborted cannot be aborted (HTTP 422)\n",
    )
  })

  test('exit 130 on Ctrl-C, the strategy still applying on the System Controller', async () => {
    await seed(lab, 2)
    lab.orchestrator.engine.timing.stateMs = 60_000
    await dcm('sw-deploy-strategy', 'create', '--release-id', 'stx-25.09.1')
    const child = spawn(
      process.execPath,
      [path.join(repoRoot, 'bin', 'run.js'), 'sw-deploy-strategy', 'apply', '--wait', '--poll-interval', '50'],
      {env: {...process.env, ...lab.env, NO_COLOR: '1'}, stdio: ['ignore', 'pipe', 'pipe']},
    )
    let stderr = ''
    let interrupted = false
    const code = await new Promise<number | null>((resolve) => {
      child.stderr.on('data', (chunk) => {
        stderr += chunk
        if (!interrupted && /sw-deploy pre-check/.test(stderr)) {
          interrupted = true
          child.kill('SIGINT')
        }
      })
      child.on('close', resolve)
    })
    expect(code).toBe(130)
    expect(stderr).toContain('Hint: the strategy keeps running on the System Controller')
    expect(lab.orchestrator.tables.strategy?.state).toBe('applying')
    lab.orchestrator.engine.timing.stateMs = 0
  })
})

describe('create --dry-run', () => {
  test('predicts the steps and stages the orchestrator creates, and creates nothing', async () => {
    await seed(lab, 5)
    await call(lab, 'POST', '/lab/subclouds/subcloud3', {sync: {software: 'in-sync'}})
    const before = lab.requests.filter((r) => r.method === 'POST' && r.path.includes('sw-update-strategy')).length
    const dry = await dcm(
      'sw-deploy-strategy',
      'create',
      '--release-id',
      'stx-25.09.1',
      '--max-parallel-subclouds',
      '2',
      '--dry-run',
      '--json',
    )
    expect(dry.code).toBe(0)
    const plan = JSON.parse(dry.stdout) as {steps: Array<{cloud: string; stage: number}>; skipped: unknown[]}
    expect(plan.steps).toEqual([
      {cloud: 'subcloud1', stage: 1},
      {cloud: 'subcloud2', stage: 1},
      {cloud: 'subcloud4', stage: 2},
      {cloud: 'subcloud5', stage: 2},
    ])
    expect(plan.skipped).toEqual([{cloud: 'subcloud3', reason: 'software in-sync'}])
    expect(lab.requests.filter((r) => r.method === 'POST' && r.path.includes('sw-update-strategy')).length).toBe(before)
    expect(lab.orchestrator.tables.strategy).toBeNull()
    expect(
      (await dcm('sw-deploy-strategy', 'create', '--release-id', 'stx-25.09.1', '--max-parallel-subclouds', '2')).code,
    ).toBe(0)
    expect((await steps(lab)).map((step) => step.cloud)).toEqual(plan.steps.map((step) => step.cloud))
    // With a strategy in place the dry run answers what the server would: the create is refused.
    const again = await dcm('fw-update-strategy', 'create', '--dry-run')
    expect(again.code).toBe(1)
    expect(again.stderr).toMatch(
      /^Error: Unable to create strategy of type 'firmware': Bad strategy request: Strategy of type: 'sw-deploy' already exists\n/,
    )
  })
})

describe('strategy-step show and strategy-config', () => {
  test('step by name; options list, show, update, delete with upstream texts', async () => {
    await seed(lab, 2)
    await dcm('sw-deploy-strategy', 'create', '--release-id', 'stx-25.09.1')
    const step = await dcm(
      'strategy-step',
      'show',
      'subcloud2',
      '-f',
      'value',
      '-c',
      'cloud',
      '-c',
      'stage',
      '-c',
      'state',
    )
    expect(step.stdout).toBe('subcloud2\nCreate\ninitial\n')
    const missing = await dcm('strategy-step', 'show', 'SystemController')
    expect({code: missing.code, stderr: missing.stderr}).toEqual({
      code: 1,
      stderr: 'Error: Unable to show the strategy step of SystemController: Strategy step not found (HTTP 404)\n',
    })
    const defaults = await dcm('strategy-config', 'show', '-f', 'value', '-c', 'cloud', '-c', 'max parallel workers')
    expect(defaults.stdout).toBe('all clouds default\n10\n')
    const updated = await dcm(
      'strategy-config',
      'update',
      'subcloud1',
      '--storage-apply-type',
      'serial',
      '--worker-apply-type',
      'serial',
      '--max-parallel-workers',
      '4',
      '--alarm-restriction-type',
      'strict',
      '--default-instance-action',
      'stop-start',
    )
    expect(updated.code).toBe(0)
    const list = await dcm('strategy-config', 'list', '-f', 'csv')
    expect(list.stdout).toBe(
      '"cloud","storage apply type","worker apply type","max parallel workers","alarm restriction type","default instance action"\n' +
        '"all clouds default","parallel","parallel",10,"relaxed","migrate"\n' +
        '"subcloud1","serial","serial",4,"strict","stop-start"\n',
    )
    expect((await dcm('strategy-config', 'delete', 'subcloud1')).code).toBe(0)
    const again = await dcm('strategy-config', 'delete', 'subcloud1')
    expect({code: again.code, stderr: again.stderr}).toEqual({
      code: 1,
      stderr: 'Error: Unable to delete strategy options: Subcloud patch options not found (HTTP 404)\n',
    })
  })
})
