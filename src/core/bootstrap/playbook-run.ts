import {type LongTimer, setLongTimeout} from '../duration.js'
import type {SshSession} from '../ssh/connection.js'
import type {ExecResult} from '../ssh/types.js'
import type {BootstrapLog} from './log-file.js'
import {killGroupCommand, PGID_MARKER, WAITING_MARKER} from './remote-commands.js'
import type {BootstrapEvent} from './types.js'

/** How long an abort honours the not-abortable flag (dcmanager's run_abort timeout, §5.7). */
const NOT_ABORTABLE_WAIT_S = 600
/** After the kill command, how long the run's channel may take to report the end before we stop waiting. */
const AFTER_KILL_GRACE_MS = 15_000

/** Why a run was stopped before the playbook ended by itself. */
export type StopReason = 'timeout' | 'inactivity' | 'aborted'

export interface PlaybookRunOptions {
  /** Whole-run limit in seconds; 0 = none. */
  timeoutS: number
  /** No output line for this long means a hung run (local-bootstrap.md §5.6); 0 = no limit. */
  inactivityS: number
  signal?: AbortSignal
  log: BootstrapLog
  emit: (event: BootstrapEvent) => void
  /** The playbook's output (stdout and stderr without the process-group line), as it arrives. */
  onOutput: (text: string) => void
}

/**
 * One remote playbook run and everything that can stop it: the timeout and inactivity timers, the
 * operator's abort, the process group id the remote wrapper reports on its first stderr line, and the
 * kill of that group (which, for an abort, waits for a step that must not be interrupted). The engine
 * asks it to `execute` a command and then reads `stopReason` and `pgid` to decide the result.
 */
export class PlaybookRun {
  stopReason?: StopReason
  /** The remote process group; 0 when the host reported none (no setsid), undefined until known. */
  pgid?: number
  private killing?: Promise<void>
  private killOutput = ''
  private stderrHead = ''
  private readonly channel = new AbortController()
  // User durations (--timeout, --inactivity-timeout) may exceed what a Node timer holds: setLongTimeout.
  private timer?: LongTimer
  private quietTimer?: LongTimer

  constructor(
    private readonly session: SshSession,
    private readonly options: PlaybookRunOptions,
  ) {}

  /** Run `command` until it ends or is stopped; timers and listeners are gone when this returns or throws. */
  async execute(command: string): Promise<ExecResult> {
    const onAbort = () => this.requestStop('aborted')
    this.options.signal?.addEventListener('abort', onAbort, {once: true})
    if (this.options.timeoutS > 0)
      this.timer = setLongTimeout(() => this.requestStop('timeout'), this.options.timeoutS * 1000)
    this.armInactivity()
    try {
      const result = await this.session.exec(command, {
        signal: this.channel.signal,
        onStdout: (text) => {
          this.armInactivity()
          this.options.onOutput(text)
        },
        onStderr: (text) => {
          this.armInactivity()
          const rest = this.takeProcessGroup(text)
          if (rest) this.options.onOutput(rest)
        },
      })
      this.disarm(onAbort)
      await this.killing
      return result
    } catch (error) {
      this.disarm(onAbort)
      throw error
    }
  }

  private disarm(onAbort: () => void): void {
    this.timer?.cancel()
    this.quietTimer?.cancel()
    this.options.signal?.removeEventListener('abort', onAbort)
  }

  private armInactivity(): void {
    if (this.options.inactivityS <= 0 || this.stopReason) return
    this.quietTimer?.cancel()
    this.quietTimer = setLongTimeout(() => this.requestStop('inactivity'), this.options.inactivityS * 1000)
  }

  private requestStop(reason: StopReason): void {
    this.stopReason ??= reason
    this.kill()
  }

  /**
   * The first stderr line carries the process group id; everything else is ansible's own stderr. Returns
   * the text that is playbook output ('' while the first line is still incomplete).
   */
  private takeProcessGroup(text: string): string {
    if (this.pgid !== undefined) return text
    this.stderrHead += text
    const match = new RegExp(`^${PGID_MARKER}(\\d+)\\n`).exec(this.stderrHead)
    if (!match && this.stderrHead.length < 64 && !this.stderrHead.includes('\n')) return ''
    if (match) {
      this.pgid = Number(match[1])
      // A stop requested before the group was known happens now.
      this.kill()
      return this.stderrHead.slice(match[0].length)
    }
    this.pgid = 0
    return this.stderrHead
  }

  private kill(): void {
    const {pgid, stopReason} = this
    if (this.killing || pgid === undefined || !stopReason) return
    if (pgid <= 1) {
      // No process group was reported (no setsid on the host): closing the channel is all that is left.
      this.channel.abort()
      return
    }
    const {emit, log} = this.options
    emit({type: 'stage', stage: 'stopping', detail: stopReason})
    const wait = stopReason === 'aborted' ? NOT_ABORTABLE_WAIT_S : 0
    this.killing = this.session
      .exec(killGroupCommand(pgid, wait), {
        onStdout: (text) => {
          if (text.includes(WAITING_MARKER)) {
            log.note(`waiting (at most ${wait}s) for a step that must not be interrupted before stopping the playbook`)
            emit({
              type: 'stage',
              stage: 'stopping',
              detail: `waiting up to ${wait}s for a step that must not be interrupted`,
            })
          }
          this.killOutput += text
        },
      })
      .then((result) => {
        const stopped = result.code === 0 && this.killOutput.includes('stopped')
        log.note(stopped ? `process group ${pgid} stopped` : `process group ${pgid} may still run`)
      })
      .catch((error) => log.note(`could not stop process group ${pgid}: ${(error as Error).message}`))
      .finally(() => {
        // The run's channel normally closes by itself once the group is gone; do not wait forever for it.
        setTimeout(() => this.channel.abort(), AFTER_KILL_GRACE_MS).unref()
      })
  }
}
