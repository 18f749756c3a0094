import type {StepStage, StrategyState, StrategyType} from '../../core/orchestration/strategy-types.js'
import {STAGE_NAMES} from '../../core/orchestration/strategy-types.js'
import type {LabStore} from '../lab-store.js'

/**
 * The orchestrator's three tables as the lab keeps them inside the lab state (orchestration.md §1, §6):
 * at most one strategy row, its steps (one per subcloud, in id order), and the strategy options. They are
 * plain JSON written with the rest of the state by `LabStore.persist()` (atomic, survives kill -9).
 *
 * Timestamps are stored as Python's `str(datetime)` with all six fraction digits; the renderers below produce
 * the two forms the server answers with (§1.3).
 */
export interface StrategyRow {
  id: number
  type: StrategyType
  subcloudApplyType: string | null
  maxParallelSubclouds: number
  stopOnFailure: boolean
  state: StrategyState
  extraArgs: Record<string, unknown> | null
  createdAt: string
  updatedAt: string | null
}

export interface StepRow {
  id: number
  subcloudId: number
  /** The subcloud's name when the step was created (the API joins the current name). */
  cloud: string
  stage: StepStage
  state: string
  details: string
  startedAt: string | null
  finishedAt: string | null
  createdAt: string
  updatedAt: string | null
}

export interface OptionsRow {
  id: number
  /** 0 for the saved defaults. */
  subcloudId: number
  storageApplyType: string
  workerApplyType: string
  maxParallelWorkers: number
  alarmRestrictionType: string
  defaultInstanceAction: string
  createdAt: string
  updatedAt: string | null
}

export interface OrchestrationTables {
  nextStrategyId: number
  nextStepId: number
  nextOptionsId: number
  strategy: StrategyRow | null
  steps: StepRow[]
  /** Saved defaults (`subcloud-id` 0) and per-subcloud rows. */
  options: OptionsRow[]
}

export function emptyTables(): OrchestrationTables {
  return {nextStrategyId: 1, nextStepId: 1, nextOptionsId: 1, strategy: null, steps: [], options: []}
}

/** The tables of a store, created on first use (a lab state written before the orchestrator has none). */
export function tablesOf(store: LabStore): OrchestrationTables {
  const existing = store.orchestration as OrchestrationTables | undefined
  if (existing && Array.isArray(existing.steps) && Array.isArray(existing.options)) return existing
  const tables = emptyTables()
  store.setOrchestration(tables)
  return tables
}

/** GET responses: pecan's `str(datetime)`, which omits a zero fraction. */
export function dbTimestamp(value: string | null): string | null {
  return value === null ? null : value.replace(/\.000000$/, '')
}

/** POST create / actions / DELETE responses: oslo `to_primitive`, `T` separator, always six digits. */
export function rpcTimestamp(value: string | null): string | null {
  return value === null ? null : value.replace(' ', 'T')
}

/** `<strategy>` (api §2.7) in the server's key order; `form` picks the timestamp rendering. */
export function strategyToApi(row: StrategyRow, form: 'db' | 'rpc'): Record<string, unknown> {
  const time = form === 'db' ? dbTimestamp : rpcTimestamp
  return {
    id: row.id,
    type: row.type,
    'subcloud-apply-type': row.subcloudApplyType,
    'max-parallel-subclouds': row.maxParallelSubclouds,
    'stop-on-failure': row.stopOnFailure,
    state: row.state,
    'created-at': time(row.createdAt),
    'updated-at': time(row.updatedAt),
    'extra-args': row.extraArgs,
  }
}

/** `<step>` (api §2.7), always read from the DB. `cloud` is the subcloud's current name. */
export function stepToApi(row: StepRow, currentName: string | undefined): Record<string, unknown> {
  return {
    id: row.id,
    cloud: currentName ?? row.cloud,
    stage: STAGE_NAMES[row.stage],
    state: row.state,
    details: row.details,
    'started-at': dbTimestamp(row.startedAt),
    'finished-at': dbTimestamp(row.finishedAt),
    'created-at': dbTimestamp(row.createdAt),
    'updated-at': dbTimestamp(row.updatedAt),
  }
}
