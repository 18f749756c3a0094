import type {DcmanagerClient} from '../api/dcmanager-client.js'
import {ApiError} from '../api/keystone.js'
import {declarationByType} from '../api/strategies/index.js'
import {FINAL_STRATEGY_STATES, type Strategy, type StrategyStep} from '../api/strategies/types.js'
import {InterruptedError, TimeoutError} from '../errors.js'
import {type StepSummary, summarizeSteps} from './step-summary.js'

/**
 * Follow a strategy until it rests (`<family> apply --wait`, `<family> show --watch`). The strategy row is
 * polled every interval; the step list, which grows with the fleet, is fetched only when someone shows it
 * (`withSteps`) and then at most every `stepsIntervalMs` scaled by its size, plus once at the end to name
 * the failures. The API has no "changed since" filter for steps, so this bounds the cost per second
 * instead: a watcher of 1,000 steps does not poll more because 900 of them are finished. The library
 * never prints; the caller draws `onProgress` events.
 */
export interface StrategyProgress {
  strategy: Strategy
  /** Present when the steps were fetched for this event. */
  steps?: StrategyStep[]
  summary?: StepSummary
  elapsedMs: number
}

export interface FollowOptions {
  timeoutMs: number
  intervalMs?: number
  /** Fetch the steps during the run (for a display); without it only at the end. */
  withSteps?: boolean
  /** Minimum time between two step fetches; grows by `msPerStep` for every step the strategy has. */
  stepsIntervalMs?: number
  msPerStep?: number
  signal?: AbortSignal
  onProgress?: (progress: StrategyProgress) => void
  now?: () => number
}

export interface FollowResult {
  strategy: Strategy
  steps: StrategyStep[]
  summary: StepSummary
  /** The strategy was being deleted and is gone. */
  deleted?: boolean
}

export async function followStrategy(
  client: DcmanagerClient,
  type: string,
  options: FollowOptions,
): Promise<FollowResult> {
  const manager = client.strategy(type)
  const now = options.now ?? Date.now
  const started = now()
  const interval = options.intervalMs ?? 2000
  const stepsInterval = options.stepsIntervalMs ?? interval
  const msPerStep = options.msPerStep ?? 5
  let lastSteps: StrategyStep[] | undefined
  let lastStepsAt = -Infinity
  let previous: Strategy | undefined
  for (;;) {
    if (options.signal?.aborted) throw interrupted(type)
    let strategy: Strategy
    try {
      strategy = await manager.get()
    } catch (error) {
      // A strategy being deleted disappears when its last step is removed (orchestration.md §5.2).
      if (previous?.state === 'deleting' && error instanceof ApiError && error.status === 404)
        return {strategy: {...previous, state: 'deleted'}, steps: [], summary: summarizeSteps([]), deleted: true}
      throw error
    }
    previous = strategy
    const elapsedMs = now() - started
    const final = FINAL_STRATEGY_STATES.includes(strategy.state)
    const stepsDue =
      final ||
      (options.withSteps && now() - lastStepsAt >= Math.max(stepsInterval, (lastSteps?.length ?? 0) * msPerStep))
    if (stepsDue) {
      lastSteps = await client.strategySteps.list()
      lastStepsAt = now()
      options.onProgress?.({strategy, steps: lastSteps, summary: summarizeSteps(lastSteps), elapsedMs})
    } else options.onProgress?.({strategy, elapsedMs})
    if (final) return {strategy, steps: lastSteps!, summary: summarizeSteps(lastSteps!)}
    if (elapsedMs >= options.timeoutMs) throw timedOut(type, strategy, options.timeoutMs)
    await sleep(Math.min(interval, Math.max(0, options.timeoutMs - elapsedMs)), options.signal, type)
  }
}

function keepsRunning(type: string): string {
  return `the strategy keeps running on the System Controller; follow it with 'dcm ${familyHint(type)} show --watch', stop it with 'dcm ${familyHint(type)} abort'`
}

function familyHint(type: string): string {
  return declarationByType(type)?.family ?? `${type}-strategy`
}

function interrupted(type: string): InterruptedError {
  return new InterruptedError(`stopped watching the ${type} strategy`, {hint: keepsRunning(type)})
}

function timedOut(type: string, strategy: Strategy, timeoutMs: number): TimeoutError {
  return new TimeoutError(`the ${type} strategy is still ${strategy.state} after ${Math.round(timeoutMs / 1000)} s`, {
    hint: keepsRunning(type),
  })
}

function sleep(ms: number, signal: AbortSignal | undefined, type: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(interrupted(type))
    const onAbort = () => {
      clearTimeout(timer)
      reject(interrupted(type))
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, {once: true})
  })
}
