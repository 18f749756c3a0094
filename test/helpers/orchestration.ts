import type {SyncStatus} from '../../src/lab/dcmanager/subcloud-model.js'
import {seedFleet} from '../../src/lab/scenarios/fleet.js'
import {type TestLab, waitFor} from './lab.js'

/**
 * Helpers for the orchestrator tests: a fleet of deployed subclouds seeded into a test lab, the strategy
 * REST calls, and a recorder that samples the steps after every orchestrator loop (each state is visible for
 * at least one loop, so the recorder sees every state each step passes through).
 */
export const STRATEGY = '/dcmanager/v1.0/sw-update-strategy'
export const OPTIONS = '/dcmanager/v1.0/sw-update-options'

export interface ApiStep {
  id: number
  cloud: string
  stage: string
  state: string
  details: string
  'started-at': string | null
  'finished-at': string | null
  'created-at': string
  'updated-at': string | null
}

export async function seed(
  lab: TestLab,
  count: number,
  sync: Record<string, SyncStatus> = {software: 'out-of-sync'},
  prefix = 'subcloud',
): Promise<string[]> {
  const names = await seedFleet(lab.store, {count, sync, prefix})
  lab.audit()
  return names
}

/** Remove every subcloud and the strategy: each test starts from an empty System Controller. */
export async function resetLab(lab: TestLab): Promise<void> {
  const strategy = lab.orchestrator.tables.strategy
  if (strategy) {
    await waitFor(
      () => lab.orchestrator.tables.strategy?.state,
      (state) => state === undefined || ['initial', 'complete', 'failed', 'aborted'].includes(state),
    )
    if (lab.orchestrator.tables.strategy) await deleteStrategy(lab)
  }
  for (const subcloud of [...lab.store.subclouds]) lab.store.deleteSubcloud(subcloud.id)
  await lab.store.persist()
}

/** DELETE the strategy and wait until it is gone: deletion runs in the background (orchestration.md §7). */
export async function deleteStrategy(lab: TestLab): Promise<void> {
  await call(lab, 'DELETE', STRATEGY)
  await waitFor(
    () => lab.orchestrator.tables.strategy,
    (row) => row === null,
  )
}

export async function call(
  lab: TestLab,
  method: string,
  pathname: string,
  body?: unknown,
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON answers navigated by the tests
): Promise<{status: number; body: any}> {
  const response = await lab.api(pathname, {
    method,
    ...(body === undefined ? {} : {body: JSON.stringify(body), headers: {'content-type': 'application/json'}}),
  })
  const text = await response.text()
  let parsed: unknown = text
  try {
    parsed = JSON.parse(text)
  } catch {
    // HTML error bodies stay text.
  }
  return {status: response.status, body: parsed}
}

export const create = (lab: TestLab, body: Record<string, unknown>) => call(lab, 'POST', `${STRATEGY}/`, body)
export const act = (lab: TestLab, action: string, type?: string) =>
  call(lab, 'POST', `${STRATEGY}/actions${type ? `?type=${type}` : ''}`, {action})
export const show = (lab: TestLab, type?: string) => call(lab, 'GET', `${STRATEGY}${type ? `?type=${type}` : ''}`)
export const steps = async (lab: TestLab): Promise<ApiStep[]> =>
  (await call(lab, 'GET', `${STRATEGY}/steps`)).body['strategy-steps'] as ApiStep[]

/** Wait for the strategy to reach one of `states` (through the API). */
export async function waitForStrategy(lab: TestLab, states: string[], timeoutMs = 20_000): Promise<string> {
  return waitFor(
    async () => (await show(lab)).body.state as string,
    (state) => states.includes(state),
    timeoutMs,
  )
}

export interface Recording {
  /** Per cloud, the distinct states seen in order. */
  paths: Map<string, string[]>
  /** Most steps seen in progress (started, not final) at once. */
  maxInProgress: number
  /** Cloud names in the order their steps first left `initial`. */
  startOrder: string[]
  stop(): void
}

const FINAL = new Set(['complete', 'failed', 'aborted'])

export function record(lab: TestLab): Recording {
  const recording: Recording = {paths: new Map(), maxInProgress: 0, startOrder: [], stop: () => undefined}
  const engine = lab.orchestrator.engine
  for (const step of lab.orchestrator.steps) recording.paths.set(step.cloud, [step.state])
  engine.onLoop = () => {
    let inProgress = 0
    for (const step of lab.orchestrator.steps) {
      const path = recording.paths.get(step.cloud) ?? []
      if (path.at(-1) !== step.state) path.push(step.state)
      recording.paths.set(step.cloud, path)
      if (step.state !== 'initial' && !FINAL.has(step.state)) inProgress++
      if (step.state !== 'initial' && step.state !== 'aborted' && !recording.startOrder.includes(step.cloud))
        recording.startOrder.push(step.cloud)
    }
    recording.maxInProgress = Math.max(recording.maxInProgress, inProgress)
  }
  recording.stop = () => {
    engine.onLoop = undefined
  }
  return recording
}
