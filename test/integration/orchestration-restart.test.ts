import {type ChildProcess, spawn} from 'node:child_process'
import {promises as fs} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {afterEach, expect, test} from '@jest/globals'

import type {LabState} from '../../src/lab/lab-store.js'
import type {OrchestrationTables} from '../../src/lab/orchestrator/orchestration-tables.js'
import {repoRoot} from '../helpers/cli.js'
import {startTestLab, waitFor} from '../helpers/lab.js'
import {act, create, seed, steps, waitForStrategy} from '../helpers/orchestration.js'

/**
 * A lab killed with SIGKILL in the middle of an apply and started again resumes the strategy from its state
 * file, as upstream's orchestrator manager does on start-up: steps in progress are re-dispatched after the
 * idle threshold and restart their current state; finished steps stay finished; the strategy completes.
 */
const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!()
})

/** `dcm lab start` (the built CLI) as a child process we can SIGKILL. */
async function spawnLab(dataDir: string): Promise<{child: ChildProcess; url: string}> {
  const child = spawn(
    process.execPath,
    [path.join(repoRoot, 'bin', 'run.js'), 'lab', 'start', '--data-dir', dataDir, '--time-scale', '0.02'],
    {stdio: ['ignore', 'ignore', 'pipe'], env: {...process.env, DCM_LAB_DIR: dataDir}},
  )
  let stderr = ''
  child.stderr!.on('data', (chunk) => (stderr += chunk))
  cleanups.push(async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
  })
  const instance = await waitFor(
    async () => {
      try {
        return JSON.parse(await fs.readFile(path.join(dataDir, 'lab.json'), 'utf8')) as {pid: number; url: string}
      } catch {
        return undefined
      }
    },
    (value) => {
      if (child.exitCode !== null) throw new Error(`lab exited ${child.exitCode}: ${stderr}`)
      return value?.pid === child.pid
    },
  )
  return {child, url: instance!.url}
}

async function tables(dataDir: string): Promise<OrchestrationTables> {
  const state = JSON.parse(await fs.readFile(path.join(dataDir, 'state.json'), 'utf8')) as LabState
  return state.orchestration as OrchestrationTables
}

test('kill -9 mid-apply, restart: the strategy resumes and completes', async () => {
  const dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'dcm-orch-restart-'))
  cleanups.push(() => fs.rm(dataDir, {recursive: true, force: true}))

  // The fleet, written by a lab in this process, then handed over to a `dcm lab start` child.
  const seeding = await startTestLab({dataDir})
  await seed(seeding, 6)
  await seeding.stop()

  const {child} = await spawnLab(dataDir)
  const lab = await startTestLabClientOnly(dataDir)
  expect((await create(lab, {type: 'sw-deploy', release_id: 'stx-24.09.1', 'max-parallel-subclouds': 2})).status).toBe(
    200,
  )
  await act(lab, 'apply')
  // Kill once some steps finished and others are running.
  await waitFor(
    () => steps(lab),
    (list) => list.some((step) => step.state === 'complete') && list.some((step) => step.state === 'initial'),
  )
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill('SIGKILL')
  await exited
  const atKill = await tables(dataDir)
  expect(atKill.strategy?.state).toBe('applying')
  const finishedAtKill = atKill.steps.filter((step) => step.state === 'complete').map((step) => step.id)
  expect(finishedAtKill.length).toBeGreaterThan(0)

  const restarted = await startTestLab({
    dataDir,
    orchestrator: {workerTickMs: 5, managerTickMs: 5, stateMs: 0, idleMs: 20, stateDurationsMs: {}},
  })
  cleanups.push(() => restarted.stop())
  expect(await waitForStrategy(restarted, ['complete', 'failed', 'aborted'])).toBe('complete')
  const after = await steps(restarted)
  expect(after.map((step) => [step.stage, step.state])).toEqual(Array(6).fill(['Complete', 'complete']))
  // Steps finished before the kill kept their timestamps: they were not run again.
  for (const id of finishedAtKill) {
    const before = atKill.steps.find((step) => step.id === id)!
    expect(after.find((step) => step.id === id)!['finished-at']).toBe(before.finishedAt!.replace(/\.000000$/, ''))
  }
  expect(restarted.store.subclouds.every((subcloud) => subcloud.endpointSyncStatus.software === 'in-sync')).toBe(true)
})

/** API access to the child lab (its URL and admin password from the data dir), shaped like a TestLab. */
async function startTestLabClientOnly(dataDir: string) {
  const {readAdminPassword, readInstance} = await import('../../src/lab/lab-files.js')
  const instance = (await readInstance(dataDir))!
  const password = (await readAdminPassword(dataDir))!
  const auth = await fetch(`${instance.url}/identity/v3/auth/tokens`, {
    method: 'POST',
    headers: {'content-type': 'application/json'},
    body: JSON.stringify({
      auth: {identity: {methods: ['password'], password: {user: {name: 'admin', domain: {name: 'Default'}, password}}}},
    }),
  })
  const token = auth.headers.get('x-subject-token')!
  const api = (pathname: string, init: RequestInit = {}) => {
    const headers = new Headers(init.headers)
    headers.set('accept', 'application/json')
    headers.set('x-auth-token', token)
    return fetch(`${instance.url}${pathname}`, {...init, headers})
  }
  return {api} as unknown as Parameters<typeof create>[0]
}
