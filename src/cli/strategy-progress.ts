import type {StrategyProgress} from '../core/strategies/follow.js'
import type {StrategyStep} from '../core/api/strategies/types.js'
import type {StepSummary} from '../core/strategies/step-summary.js'
import {formatElapsed} from '../core/output/elapsed.js'
import type {ProgressMode, ProgressStream} from '../core/output/progress.js'

/**
 * Live progress of a strategy run (`apply --wait`, `show --watch`), on stderr. On a terminal: a block
 * redrawn in place: the strategy state and elapsed time, the steps counted by state, the running ones
 * with their current state, details and elapsed time (as many as fit), and the failures named with their
 * details. Otherwise: one timestamped line per change (strategy state, each step's new state, each
 * failure with its details, the counts when they move), so CI logs read as a history.
 */
export interface StrategyProgressOptions {
  stream: ProgressStream
  type: string
  mode: ProgressMode
  /** Lines of running steps shown at most on a terminal. */
  maxRunningLines?: number
  now?: () => number
  clock?: () => Date
}

export class StrategyProgressView {
  private readonly now: () => number
  private readonly clock: () => Date
  private lastDrawnLines = 0
  private watchStart?: number
  private lastProgress?: StrategyProgress
  private lastSummary?: StepSummary
  private lastStrategyState?: string
  private lastCounts?: string
  private readonly stepStates = new Map<string, string>()
  /** When this client first saw each step in its current state (fallback for elapsed). */
  private readonly seenSince = new Map<string, number>()
  private timer?: NodeJS.Timeout

  constructor(private readonly options: StrategyProgressOptions) {
    this.now = options.now ?? Date.now
    this.clock = options.clock ?? (() => new Date())
    if (options.mode === 'tty') {
      this.timer = setInterval(() => this.redraw(), 1000)
      this.timer.unref()
    }
  }

  readonly update = (progress: StrategyProgress): void => {
    if (this.options.mode === 'quiet') return
    this.lastProgress = progress
    this.watchStart ??= this.now() - progress.elapsedMs
    if (progress.summary) this.lastSummary = progress.summary
    if (this.options.mode === 'tty') {
      if (progress.steps) this.noteSteps(progress.steps)
      this.redraw()
    } else this.plain(progress)
  }

  end(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = undefined
  }

  private noteSteps(steps: StrategyStep[]): string[] {
    const changed: string[] = []
    const t = this.now()
    for (const step of steps) {
      if (this.stepStates.get(step.cloud) !== step.state) {
        this.stepStates.set(step.cloud, step.state)
        this.seenSince.set(step.cloud, t)
        changed.push(step.cloud)
      }
    }
    return changed
  }

  private plain(progress: StrategyProgress): void {
    const stamp = () => this.clock().toISOString()
    const out: string[] = []
    const stateChanged = progress.strategy.state !== this.lastStrategyState
    if (stateChanged) {
      this.lastStrategyState = progress.strategy.state
      out.push(`${stamp()} ${this.options.type} strategy ${progress.strategy.state}`)
    }
    if (progress.steps) {
      const byCloud = new Map(progress.steps.map((step) => [step.cloud, step]))
      for (const cloud of this.noteSteps(progress.steps)) {
        const step = byCloud.get(cloud)!
        if (step.state === 'initial') continue
        const details = step.details ? `: ${step.details}` : ''
        out.push(`${stamp()} ${cloud} ${step.state}${step.state === 'failed' ? details : ''}`)
      }
    }
    // The counts when they moved (a long VIM apply would otherwise repeat the same line every poll), and after
    // every strategy state line, so the run's last state is always followed by where its steps ended.
    const summary = progress.steps ? progress.summary : stateChanged ? this.lastSummary : undefined
    const counts = summary ? countsLine(summary) : undefined
    if (counts && (counts !== this.lastCounts || stateChanged)) out.push(`${stamp()} steps: ${counts}`)
    this.lastCounts = counts ?? this.lastCounts
    if (out.length > 0) this.options.stream.write(out.join('\n') + '\n')
  }

  private redraw(): void {
    const progress = this.lastProgress
    if (!progress) return
    // A terminal that reports no size (0) gets a generous width rather than a 40-column clip.
    const columns = this.options.stream.columns || 160
    const width = Math.max(40, columns - 1)
    const lines: string[] = []
    lines.push(
      `${this.options.type} strategy ${progress.strategy.state}, ${formatElapsed(this.now() - (this.watchStart ?? this.now()))} elapsed`,
    )
    const summary = this.lastSummary
    if (summary) {
      lines.push(`  steps: ${countsLine(summary)}`)
      const max = this.options.maxRunningLines ?? 10
      for (const step of summary.running.slice(0, max)) {
        const details = step.details ? ` - ${step.details}` : ''
        lines.push(`  ${step.cloud}  ${step.state}${details}  ${formatElapsed(this.stepElapsed(step))}`)
      }
      if (summary.running.length > max) lines.push(`  ... and ${summary.running.length - max} more running`)
      for (const step of summary.failed.slice(0, max)) lines.push(`  failed: ${step.cloud}  ${step.details ?? ''}`)
      if (summary.failed.length > max) lines.push(`  ... and ${summary.failed.length - max} more failed`)
    }
    const clipped = lines.map((line) => (line.length > width ? `${line.slice(0, width - 1)}…` : line))
    const up = this.lastDrawnLines > 0 ? `\u001b[${this.lastDrawnLines}F` : ''
    this.options.stream.write(`${up}\u001b[J${clipped.join('\n')}\n`)
    this.lastDrawnLines = clipped.length
  }

  /** From `started-at` (UTC on a UTC controller, orchestration.md Q3), else since this client saw it. */
  private stepElapsed(step: StrategyStep): number {
    const started = step['started-at'] ? Date.parse(`${step['started-at'].replace(' ', 'T')}Z`) : Number.NaN
    const fromServer = this.clock().getTime() - started
    if (Number.isFinite(fromServer) && fromServer >= 0) return fromServer
    return this.now() - (this.seenSince.get(step.cloud) ?? this.now())
  }
}

export function countsLine(summary: StepSummary): string {
  return (
    [
      `${summary.complete} complete`,
      `${summary.running.length} running`,
      `${summary.initial} not started`,
      `${summary.failed.length} failed`,
      ...(summary.aborted > 0 ? [`${summary.aborted} aborted`] : []),
    ].join(', ') + ` (of ${summary.total})`
  )
}
