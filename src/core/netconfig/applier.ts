import {InterruptedError, OperationError} from '../errors.js'
import {type CommandResult, type Executor, formatArgv} from './executor.js'
import {firstLine} from './ip-state.js'
import type {PlanStep} from './planner.js'

/**
 * Runs plan steps one at a time, checking each exit status, and records what was applied in a journal so
 * that a failure, a refusal or Ctrl-C undoes exactly those steps, newest first. A step is never
 * interrupted half way: Ctrl-C is looked at between steps.
 */
export interface StepReport {
  step: PlanStep
  argv: string[]
  result: CommandResult
}

export interface ApplyHooks {
  onStepStart?: (step: PlanStep) => void
  onStepDone?: (report: StepReport) => void
  onUndo?: (report: StepReport) => void
  /** Awaited before a step changes anything (the undo journal's write-ahead); a throw stops the run. */
  beforeChange?: (step: PlanStep) => Promise<void>
}

export class StepFailedError extends OperationError {
  constructor(
    readonly report: StepReport,
    message: string,
  ) {
    super(message)
  }
}

export class Journal {
  private readonly applied: PlanStep[] = []

  record(step: PlanStep): void {
    this.applied.push(step)
  }

  get steps(): readonly PlanStep[] {
    return this.applied
  }

  /**
   * Undo every recorded step, newest first, and forget them. Undo failures do not stop the others; they are
   * returned so the caller can tell the operator exactly what is left to fix by hand.
   */
  async rollback(executor: Executor, hooks: ApplyHooks = {}): Promise<{undone: PlanStep[]; failed: StepReport[]}> {
    const undone: PlanStep[] = []
    const failed: StepReport[] = []
    while (this.applied.length > 0) {
      const step = this.applied.pop() as PlanStep
      const result = await executor.run(step.undo)
      const report = {step, argv: step.undo, result}
      hooks.onUndo?.(report)
      if (result.code === 0) undone.push(step)
      else failed.push(report)
    }
    // What could not be undone is still applied: keep it, so the undo journal still names it.
    for (const report of [...failed].reverse()) this.applied.push(report.step)
    return {undone, failed}
  }
}

export interface ApplyOptions {
  journal: Journal
  signal?: AbortSignal
  hooks?: ApplyHooks
}

/** Apply steps in order; throws StepFailedError or InterruptedError, leaving the journal for rollback. */
export async function applySteps(executor: Executor, steps: PlanStep[], options: ApplyOptions): Promise<void> {
  for (const step of steps) {
    if (options.signal?.aborted) throw new InterruptedError('Aborted')
    options.hooks?.onStepStart?.(step)
    // The journal records the step before it runs (issue 14): after kill -9, --undo knows it.
    await options.hooks?.beforeChange?.(step)
    // Writing the journal takes a moment: an interruption that came meanwhile stops before the change starts.
    if (options.signal?.aborted) throw new InterruptedError('Aborted')
    const result = await executor.run(step.argv)
    // Interrupted while the step ran and it did not complete: an interruption, not a step failure (a step
    // that completed is recorded below and the next turn stops, so the rollback takes it back).
    if (options.signal?.aborted && result.code !== 0) throw new InterruptedError('Aborted')
    const report = {step, argv: step.argv, result}
    options.hooks?.onStepDone?.(report)
    if (result.code !== 0)
      throw new StepFailedError(
        report,
        `\`${formatArgv(step.argv)}\` failed (exit ${result.code}): ${firstLine(result.stderr) || 'no message'}`,
      )
    options.journal.record(step)
  }
}
