import type {BootstrapEvent, BootstrapResult} from '../bootstrap/types.js'
import {BOOTSTRAP_ROLES} from '../bootstrap/run-tracker.js'
import {LiveRegion} from './live-region.js'
import {formatElapsed} from './elapsed.js'

/**
 * Progress of a bootstrap run (design.md §3 "Progress", ecosystem.md §3.1). On a terminal: one line redrawn in
 * place (spinner, elapsed, step n of 12, task n of ~N, current task). Otherwise: one timestamped line per task
 * and a heartbeat every 30 s, because CI systems kill jobs that go silent. Writes to the stream it is given
 * (stderr in the commands), never to stdout, so `-f json` output stays clean.
 */
export type ProgressMode = 'tty' | 'plain' | 'quiet'

export interface ProgressStream {
  write(text: string): unknown
  isTTY?: boolean
  columns?: number
}

export interface BootstrapProgressOptions {
  stream: ProgressStream
  /** The subcloud name shown on every line. */
  label: string
  mode?: ProgressMode
  /** Estimated number of tasks (shown as `~N`); unknown when undefined. */
  expectedTasks?: number
  heartbeatMs?: number
  /** TTY redraw period (elapsed time keeps moving during long silent tasks). */
  redrawMs?: number
  now?: () => number
  /** Wall-clock stamps of plain lines; injectable for tests. */
  clock?: () => Date
  /** The reporter shared with the pre-flight lines and other runs of the command (made from `stream` if absent). */
  region?: LiveRegion
  /**
   * Print the failure of the run (`✖ ...`): off when the command's final `Error:` line says it anyway, so that
   * one failure is printed once.
   */
  reportFailure?: boolean
}

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏']

export function progressModeFor(stream: ProgressStream, quiet = false): ProgressMode {
  if (quiet) return 'quiet'
  const interactive = Boolean(stream.isTTY) && !process.env.CI && process.env.TERM !== 'dumb'
  return interactive ? 'tty' : 'plain'
}

export class BootstrapProgress {
  private readonly mode: ProgressMode
  private readonly now: () => number
  private readonly clock: () => Date
  private readonly started: number
  private task: string | undefined
  private taskIndex = 0
  private step = 0
  private frame = 0
  private lastOutput: number
  private timer: NodeJS.Timeout | undefined
  private readonly region: LiveRegion
  private stage = 'connecting'

  constructor(private readonly options: BootstrapProgressOptions) {
    this.mode = options.region?.mode ?? options.mode ?? progressModeFor(options.stream)
    this.region = options.region ?? new LiveRegion(options.stream, this.mode)
    this.now = options.now ?? Date.now
    this.clock = options.clock ?? (() => new Date())
    this.started = this.now()
    this.lastOutput = this.started
    if (this.mode === 'tty') {
      this.timer = setInterval(() => this.redraw(), options.redrawMs ?? 250)
    } else if (this.mode === 'plain') {
      const period = options.heartbeatMs ?? 30_000
      this.timer = setInterval(() => this.heartbeat(period), Math.min(period, 1000))
    }
    this.timer?.unref()
  }

  readonly handle = (event: BootstrapEvent): void => {
    if (this.mode === 'quiet') return
    switch (event.type) {
      case 'log-file':
        this.println(`${this.options.label}: log file ${event.path}`)
        break
      case 'stage':
        this.stage = event.stage
        if (event.stage === 'stopping') this.println(`${this.options.label}: stopping the playbook (${event.detail})`)
        else this.refresh()
        break
      case 'ansible':
        if (event.event.type === 'task') {
          this.task = event.event.role ? `${event.event.role} : ${event.event.name}` : event.event.name
          this.taskIndex = event.event.index
          const step = BOOTSTRAP_ROLES.indexOf(event.event.role as (typeof BOOTSTRAP_ROLES)[number]) + 1
          if (step > 0) this.step = step
          if (this.mode === 'plain') this.println(this.plainLine(`TASK ${this.counter()}: ${this.task}`))
          else this.refresh()
        } else if (event.event.type === 'failure' && this.mode === 'plain') {
          this.println(this.plainLine(`fatal: ${event.event.message.split('\n')[0]}`))
        }
        break
      case 'finished':
        this.finish(event.result)
        break
    }
  }

  /** Stop timers (also done on `finished`). */
  stop(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = undefined
    this.region.clear()
  }

  private counter(): string {
    return this.options.expectedTasks
      ? `${this.taskIndex}/~${Math.max(this.options.expectedTasks, this.taskIndex)}`
      : `${this.taskIndex}`
  }

  private elapsed(): string {
    return formatElapsed(this.now() - this.started)
  }

  private plainLine(text: string): string {
    return `[${this.clock().toISOString()}] ${this.options.label} bootstrap +${this.elapsed()} ${text}`
  }

  private heartbeat(period: number): void {
    if (this.now() - this.lastOutput < period) return
    const what = this.task ? `still running: ${this.task}` : `still ${this.stage}`
    this.println(this.plainLine(what))
  }

  private refresh(): void {
    if (this.mode === 'tty') this.redraw()
  }

  private redraw(): void {
    const spinner = SPINNER[this.frame++ % SPINNER.length]
    const parts = [spinner, this.options.label, 'bootstrap', this.elapsed()]
    if (this.taskIndex === 0) parts.push(this.stage)
    else {
      if (this.step > 0) parts.push(`step ${this.step}/${BOOTSTRAP_ROLES.length}`)
      parts.push(`task ${this.counter()}`, this.task ?? '')
    }
    this.region.update(parts.join(' '))
  }

  private println(text: string): void {
    this.region.line(text)
    this.lastOutput = this.now()
    if (this.mode === 'tty') this.redraw()
  }

  private finish(result: BootstrapResult): void {
    this.stop()
    const complete = result.outcome === 'complete'
    if (!complete && this.options.reportFailure === false) return
    const mark = complete ? (this.mode === 'tty' ? '✔' : 'OK') : this.mode === 'tty' ? '✖' : 'FAILED'
    const text = `${mark} ${result.summary} in ${formatElapsed(result.elapsedMs)}`
    this.region.line(this.mode === 'plain' ? this.plainLine(text) : text)
    if (result.logPath && !complete) this.region.line(`  log: ${result.logPath}`)
  }
}
