import {spawn} from 'node:child_process'
import path from 'node:path'

import {afterAll, beforeAll, beforeEach, describe, expect, it} from '@jest/globals'

import {repoRoot, runDcm} from '../helpers/cli.js'
import {FaultServer, json} from '../faults/fault-server.js'
import {runDcmOnPty} from '../helpers/pty.js'

/**
 * `show --watch` / `apply --wait` exit codes and polling against the fault server, answering the strategy and steps
 * the test sets (the lab's orchestrator runs them for real in strategy-lab.test.ts): 0 complete, 1 failed
 * (failed steps on stderr), 4 timeout, 130 Ctrl-C (saying the strategy keeps running), and the step list
 * fetched only when shown.
 */
const strategy = (state: string) => ({
  id: 1,
  type: 'sw-deploy',
  'subcloud-apply-type': null,
  'max-parallel-subclouds': 2,
  'stop-on-failure': false,
  state,
  'created-at': '2026-03-04 14:24:47.698157',
  'updated-at': '2026-03-04 14:30:00.000001',
  'extra-args': null,
})
const step = (cloud: string, state: string, details = '') => ({
  id: 1,
  cloud,
  stage: state === 'initial' ? 'Create' : 'Apply',
  state,
  details,
  'started-at': null,
  'finished-at': null,
  'created-at': '2026-03-04 14:24:47.698157',
  'updated-at': null,
})
const FAILURE = 'sw-deploy pre-check: Failed for subcloud subcloud2: Release stx-25.09.1 is not prestaged.'

describe('following a strategy (show --watch, apply --wait)', () => {
  let faults: FaultServer
  const env = () => faults.env()
  const dcm = (...args: string[]) => runDcm(args, {env: env()})
  const gets = (suffix: string) =>
    faults.requests.filter((r) => r.method === 'GET' && r.path.replace(/\/$/, '').endsWith(suffix)).length

  const answer = (path: string, body: unknown) => faults.on('GET', `/dcmanager/v1.0${path}`, json(body))

  beforeAll(async () => {
    faults = await new FaultServer().start()
  })
  afterAll(async () => {
    await faults.stop()
  })
  beforeEach(() => {
    faults.reset()
    answer('/sw-update-strategy/steps', {'strategy-steps': [step('subcloud1', 'complete')]})
  })

  it('exits 0 when the strategy completes and prints its table', async () => {
    answer('/sw-update-strategy', strategy('complete'))
    const result = await dcm('sw-deploy-strategy', 'show', '--watch', '-f', 'value', '-c', 'state')
    expect({code: result.code, stdout: result.stdout}).toEqual({code: 0, stdout: 'complete\n'})
    expect(result.stderr).toMatch(/^\S+Z sw-deploy strategy complete\n/)
  })

  it('exits 1 when it failed, naming each failed step with its details on stderr', async () => {
    answer('/sw-update-strategy', strategy('failed'))
    answer('/sw-update-strategy/steps', {
      'strategy-steps': [step('subcloud1', 'complete'), step('subcloud2', 'failed', FAILURE)],
    })
    const result = await dcm('sw-deploy-strategy', 'show', '--watch', '--quiet')
    expect(result.code).toBe(1)
    expect(result.stdout).toBe('')
    expect(result.stderr).toBe(
      `failed: subcloud2: ${FAILURE}\n` +
        'Error: the sw-deploy strategy ended failed: 1 of 2 steps failed\n' +
        "Hint: see 'dcm strategy-step list --failed' and 'dcm strategy-step show <cloud>'\n",
    )
    const failed = await dcm('strategy-step', 'list', '--failed', '-f', 'value', '-c', 'cloud', '-c', 'details')
    expect(failed.stdout).toBe(`subcloud2 ${FAILURE}\n`)
  })

  it('exits 4 on --timeout and says the strategy keeps running', async () => {
    answer('/sw-update-strategy', strategy('applying'))
    const result = await dcm(
      'sw-deploy-strategy',
      'show',
      '--watch',
      '--quiet',
      '--timeout',
      '1',
      '--poll-interval',
      '200',
    )
    expect(result.code).toBe(4)
    expect(result.stderr).toMatch(
      /^Error: the sw-deploy strategy is still applying after 1 s\nHint: the strategy keeps running on the System Controller; follow it with 'dcm sw-deploy-strategy show --watch', stop it with 'dcm sw-deploy-strategy abort'\n$/,
    )
  })

  it('polls the strategy and leaves the step list alone when nothing shows it (--quiet)', async () => {
    answer('/sw-update-strategy', strategy('applying'))
    await dcm('sw-deploy-strategy', 'show', '--watch', '--quiet', '--timeout', '1', '--poll-interval', '100')
    expect(gets('/sw-update-strategy')).toBeGreaterThanOrEqual(3)
    expect(gets('/sw-update-strategy/steps')).toBe(0)
  })

  it('exits 130 on Ctrl-C and says the strategy keeps running', async () => {
    answer('/sw-update-strategy', strategy('applying'))
    const child = spawn(
      process.execPath,
      [path.join(repoRoot, 'bin', 'run.js'), 'sw-deploy-strategy', 'show', '--watch', '--poll-interval', '100'],
      {env: {...process.env, ...env(), NO_COLOR: '1'}, stdio: ['ignore', 'pipe', 'pipe']},
    )
    let stderr = ''
    let interrupted = false
    const code = await new Promise<number | null>((resolve) => {
      child.stderr.on('data', (chunk) => {
        stderr += chunk
        // The first progress line means the watch loop runs: interrupt it.
        if (!interrupted && /sw-deploy strategy applying/.test(stderr)) {
          interrupted = true
          child.kill('SIGINT')
        }
      })
      child.on('close', resolve)
    })
    expect(code).toBe(130)
    expect(stderr).toMatch(
      /Error: stopped watching the sw-deploy strategy\nHint: the strategy keeps running on the System Controller/,
    )
  })

  it('draws a live block on a terminal: counts, running steps with state and details, failures', async () => {
    answer('/sw-update-strategy', strategy('applying'))
    answer('/sw-update-strategy/steps', {
      'strategy-steps': [
        step('subcloud1', 'complete'),
        step('subcloud2', 'apply VIM sw-deploy strategy', 'apply phase is 40% complete'),
        step('subcloud3', 'failed', FAILURE),
      ],
    })
    const result = await runDcmOnPty(
      ['sw-deploy-strategy', 'show', '--watch', '--poll-interval', '100'],
      [{expect: 'apply phase is 40% complete'}, {signal: 'SIGINT'}],
      {env: faults.env({CI: ''}), timeoutSeconds: 15},
    )
    expect(result.error).toBeNull()
    expect(result.code).toBe(130)
    expect(result.output).toContain('sw-deploy strategy applying, 0m0')
    expect(result.output).toContain('steps: 1 complete, 1 running, 0 not started, 1 failed (of 3)')
    expect(result.output).toContain('subcloud2  apply VIM sw-deploy strategy - apply phase is 40% complete')
    expect(result.output).toContain(`failed: subcloud3  ${FAILURE}`)
    expect(result.output).not.toMatch(/\d{4}-\d\d-\d\dT\d\d:\d\d/)
  })
})
