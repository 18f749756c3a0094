import {FINAL_STEP_STATES, type StrategyStep} from '../api/strategies/types.js'

/**
 * A strategy's steps grouped the way a watcher reads them (orchestration.md §1.2, §7.2): not started
 * (`initial`), running (any type-specific state), and the three final states.
 */
export interface StepSummary {
  total: number
  initial: number
  running: StrategyStep[]
  complete: number
  failed: StrategyStep[]
  aborted: number
}

export function summarizeSteps(steps: readonly StrategyStep[]): StepSummary {
  const summary: StepSummary = {total: steps.length, initial: 0, running: [], complete: 0, failed: [], aborted: 0}
  for (const step of steps) {
    if (step.state === 'initial') summary.initial++
    else if (step.state === 'complete') summary.complete++
    else if (step.state === 'failed') summary.failed.push(step)
    else if (step.state === 'aborted') summary.aborted++
    else summary.running.push(step)
  }
  return summary
}

export function isFinalStep(step: StrategyStep): boolean {
  return FINAL_STEP_STATES.includes(step.state)
}

/** Steps that failed, for `strategy-step list --failed` and the end of a failed --wait. */
export function failedSteps(steps: readonly StrategyStep[]): StrategyStep[] {
  return steps.filter((step) => step.state === 'failed')
}
