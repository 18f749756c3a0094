import type {DcmanagerClient} from '../api/dcmanager-client.js'
import {ApiError} from '../api/keystone.js'
import {declarationByType} from '../api/strategies/index.js'
import {FINAL_STRATEGY_STATES, type Strategy, type StrategyStep} from '../api/strategies/types.js'
import {InterruptedError, TimeoutError} from '../errors.js'
import {waitForState} from '../flows/wait-for-state.js'
import {type StepSummary, summarizeSteps} from './step-summary.js'

/**
 * Follow a strategy until it rests (`<family> apply --wait`, `<family> show --watch`): waitForState over
 * the strategy row, which is small and polled every interval. The step list grows with the fleet, so it
 * is fetched only when someone shows it (`withSteps`), then at most every `stepsIntervalMs` plus
 * `msPerStep` for each step it had, and once at the end to name the failures. The API has no "changed
 * since" filter for steps, so this bounds the cost per second instead: watching 1,000 steps costs no
 * more when 900 of them are finished. The library never prints; the caller draws `onProgress` events.
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
  /** Minimum time between two step fetches (default: the interval). */
  stepsIntervalMs?: number
  /** Added to that minimum for every step the strategy has (default 5 ms: every 5 s for 1,000 steps). */
  msPerStep?: number
  signal?: AbortSignal
  onProgress?: (progress: StrategyProgress) => void
  now?: () => number
}

export interface FollowResult {
  /** Final: complete, failed or aborted; `deleted` when a strategy being deleted disappeared. */
  strategy: Strategy
  steps: StrategyStep[]
  summary: StepSummary
}

interface Poll {
  strategy: Strategy
  steps?: StrategyStep[]
}

export async function followStrategy(
  client: DcmanagerClient,
  type: string,
  options: FollowOptions,
): Promise<FollowResult> {
  const manager = client.strategy(type)
  const now = options.now ?? Date.now
  const stepsInterval = options.stepsIntervalMs ?? options.intervalMs ?? 2000
  const msPerStep = options.msPerStep ?? 5
  let lastSteps: StrategyStep[] = []
  let lastStepsAt = -Infinity
  let previous: Strategy | undefined

  const poll = async (): Promise<Poll> => {
    let strategy: Strategy
    try {
      strategy = await manager.get()
    } catch (error) {
      // A strategy being deleted disappears once its last step is removed (orchestration.md §5.2).
      if (previous?.state === 'deleting' && error instanceof ApiError && error.status === 404)
        return {strategy: {...previous, state: 'deleted'}, steps: []}
      throw error
    }
    previous = strategy
    const final = FINAL_STRATEGY_STATES.includes(strategy.state)
    const due = now() - lastStepsAt >= stepsInterval + lastSteps.length * msPerStep
    if (!final && !(options.withSteps && due)) return {strategy}
    lastSteps = await client.strategySteps.list()
    lastStepsAt = now()
    return {strategy, steps: lastSteps}
  }

  const family = declarationByType(type)?.family ?? `${type}-strategy`
  const keepsRunning = `the strategy keeps running on the System Controller; follow it with 'dcm ${family} show --watch', stop it with 'dcm ${family} abort'`
  const last = await waitForState<Poll>({
    fetch: poll,
    stateOf: (p) => p.strategy.state,
    finalState: (p) =>
      FINAL_STRATEGY_STATES.includes(p.strategy.state) || p.strategy.state === 'deleted' ? 'done' : undefined,
    errors: {
      // Failed and aborted strategies end the wait too: the caller names the failed steps.
      failed: () => new Error('unreachable'),
      timedOut: (p, timeoutMs) =>
        new TimeoutError(`the ${type} strategy is still ${p.strategy.state} after ${Math.round(timeoutMs / 1000)} s`, {
          hint: keepsRunning,
        }),
      interrupted: () => new InterruptedError(`stopped watching the ${type} strategy`, {hint: keepsRunning}),
    },
    timeoutMs: options.timeoutMs,
    intervalMs: options.intervalMs,
    signal: options.signal,
    now,
    onProgress: options.onProgress
      ? ({value, elapsedMs}) =>
          options.onProgress?.({
            strategy: value.strategy,
            steps: value.steps,
            summary: value.steps ? summarizeSteps(value.steps) : undefined,
            elapsedMs,
          })
      : undefined,
  })
  const steps = last.steps ?? lastSteps
  return {strategy: last.strategy, steps, summary: summarizeSteps(steps)}
}
