/**
 * Shapes of `/sw-update-strategy` and `/sw-update-options` (dcmanager-api.md §2.7, §2.8; orchestration.md
 * §1). Timestamps stay the server's strings: `show` prints them verbatim (space form from GET, `T` form from
 * the RPC-served POST/DELETE answers, orchestration.md §1.3).
 */
export type StrategyState =
  'initial' | 'applying' | 'abort requested' | 'aborting' | 'complete' | 'aborted' | 'failed' | 'deleting' | 'deleted'

export interface Strategy {
  id?: number
  type: string
  'subcloud-apply-type': string | null
  'max-parallel-subclouds': number | null
  'stop-on-failure': boolean
  state: StrategyState | string
  'created-at': string | null
  'updated-at': string | null
  'extra-args': Record<string, unknown> | null
}

export type StepStage = 'Create' | 'Apply' | 'Complete'

export interface StrategyStep {
  id?: number
  cloud: string
  stage: StepStage | string | number
  state: string
  details: string | null
  'started-at': string | null
  'finished-at': string | null
  'created-at': string | null
  'updated-at': string | null
}

export interface StrategyOptions {
  id?: number
  name: string
  'subcloud-id'?: number
  'storage-apply-type': string
  'worker-apply-type': string
  'max-parallel-workers': number
  'alarm-restriction-type': string
  'default-instance-action': string
  'created-at': string | null
  'updated-at': string | null
}

/** The five fields `strategy-config update` sends, all required (orchestration.md §2.6). */
export interface StrategyOptionsRequest {
  'storage-apply-type': string
  'worker-apply-type': string
  'max-parallel-workers': number
  'alarm-restriction-type': string
  'default-instance-action': string
}

/** Strategy states after which nothing changes any more (orchestration.md §7.1). */
export const FINAL_STRATEGY_STATES: readonly string[] = ['complete', 'failed', 'aborted']

/** Step states that end a step (orchestration.md §1.2). */
export const FINAL_STEP_STATES: readonly string[] = ['complete', 'failed', 'aborted']
