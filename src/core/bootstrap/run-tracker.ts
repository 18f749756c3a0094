import type {AnsibleEvent, RecapCounts} from './types.js'

/** The 12 top-level roles of bootstrap.yml (local-bootstrap.md §2): the step a run is at. */
export const BOOTSTRAP_ROLES = [
  'common/prepare-env',
  'common/validate-target',
  'bootstrap/prepare-env',
  'bootstrap/validate-config',
  'bootstrap/store-passwd',
  'bootstrap/apply-manifest',
  'bootstrap/persist-config',
  'bootstrap/bringup-essential-services',
  'bootstrap/bringup-bootstrap-applications',
  'bootstrap/configure-kernel',
  'bootstrap/bringup-mgmt-ipsec',
  'bootstrap/complete-bootstrap',
] as const

export interface TrackedFailure {
  task?: string
  message: string
  host: string
}

/** Folds ansible events into the state a result and a progress line need. */
export class RunTracker {
  tasksRun = 0
  currentTask: string | undefined
  /** Index (1-based) of the latest top-level bootstrap role seen; included roles do not move it. */
  step = 0
  lastFailure: TrackedFailure | undefined
  ansibleError: string | undefined
  readonly recap: Record<string, RecapCounts> = {}
  readonly counts = {ok: 0, changed: 0, skipped: 0, failed: 0, ignored: 0, unreachable: 0}
  /** The failure that stood when the current task began: `...ignoring` excuses everything since. */
  private failureAtTaskStart: TrackedFailure | undefined

  observe(event: AnsibleEvent): void {
    switch (event.type) {
      case 'task': {
        this.tasksRun = event.index
        this.failureAtTaskStart = this.lastFailure
        this.currentTask = event.role ? `${event.role} : ${event.name}` : event.name
        const step = BOOTSTRAP_ROLES.indexOf(event.role as (typeof BOOTSTRAP_ROLES)[number]) + 1
        if (step > 0) this.step = step
        break
      }
      case 'failure':
        this.lastFailure = {task: event.task, message: event.message, host: event.host}
        break
      case 'result':
        this.counts[event.status]++
        if (event.status === 'ignored') {
          // `...ignoring` follows the fatal block it excuses: that failure does not fail the run.
          this.counts.failed = Math.max(0, this.counts.failed - 1)
          this.lastFailure = this.failureAtTaskStart
        }
        break
      case 'recap':
        this.recap[event.host] = event.counts
        break
      case 'error':
        this.ansibleError = event.message
        break
    }
  }

  /** Counts from PLAY RECAP when present (authoritative), else from the results seen. */
  totals(): {ok: number; changed: number; failed: number; skipped: number} {
    const hosts = Object.values(this.recap)
    if (hosts.length === 0) return this.counts
    return hosts.reduce(
      (sum, c) => ({
        ok: sum.ok + c.ok,
        changed: sum.changed + c.changed,
        failed: sum.failed + c.failed,
        skipped: sum.skipped + c.skipped,
      }),
      {ok: 0, changed: 0, failed: 0, skipped: 0},
    )
  }
}
