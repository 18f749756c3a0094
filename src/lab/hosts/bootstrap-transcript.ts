import {setLongTimeout} from '../../core/duration.js'
import type {RecapCounts} from '../../core/bootstrap/types.js'
import {BOOTSTRAP_TASKS, type TaskFailure, type TranscriptTask} from './bootstrap-transcript-tasks.js'
import {formatElapsed} from '../../core/output/elapsed.js'

/**
 * Plays the StarlingX bootstrap playbook's console output for a simulated controller-0: the same line
 * shapes as ansible-core's default callback with `result_format = yaml` and the `profile_tasks` callback
 * (local-bootstrap.md §6), paced in real time so progress displays, timeouts and aborts behave as with a
 * real run. Timestamps are the real clock: a lab run claims no more time than it took.
 */
export interface TranscriptFailure {
  task: TranscriptTask
  /** Overrides the task's own failure template (e.g. a message built from the host's state). */
  failure?: TaskFailure
}

export interface TranscriptOptions {
  /** Inventory host name as it appears in `ok: [<host>]` lines. */
  hostName: string
  /** Where the play looks for override files (`override_files_dir`). */
  overrideFilesDir: string
  /** Wall time of the whole run when it succeeds; each task gets its weighted share. */
  durationMs: number
  failAt?: TranscriptFailure
  write(text: string): void
  signal: AbortSignal
  tasks?: readonly TranscriptTask[]
  now?: () => Date
  /** Called as each task completes successfully (the host uses it to mark itself bootstrapped). */
  onTaskDone?(task: TranscriptTask): void
  /** Called as each task starts (the host creates the not-abortable flag there). */
  onTaskStart?(task: TranscriptTask): void
  /** `distributed_cloud_role` from the overrides: the not-abortable tasks run only for `subcloud`. */
  distributedCloudRole?: string
  /** The subcloud's management network from its overrides, named by failure texts (defaults: the templates'). */
  management?: {address?: string; subnet?: string}
}

/** ansible-playbook's exit statuses (local-bootstrap.md §6): 0 ok, 2 a host failed. */
export const PLAYBOOK_EXIT = {ok: 0, hostFailed: 2} as const

const WIDTH = 80
/** A task at least this long has its banner written before it runs (progress displays show it live). */
const LIVE_MS = 50
const ROLES_DIR = '/usr/share/ansible/stx-ansible/playbooks/roles'
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday']
const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
]

/** `TASK [x] ****`: ansible pads banners with stars to 80 columns, never fewer than three. */
export function banner(text: string): string {
  return `${text} ${'*'.repeat(Math.max(3, WIDTH - text.length - 1))}`
}

/** profile_tasks' timing line: `Tuesday 03 March 2026  14:02:11 +0000 (0:00:00.052)       0:00:00.052 ****`. */
export function timingLine(at: Date, previousMs: number, totalMs: number): string {
  const stamp =
    `${DAYS[at.getUTCDay()]} ${pad2(at.getUTCDate())} ${MONTHS[at.getUTCMonth()]} ${at.getUTCFullYear()}  ` +
    `${pad2(at.getUTCHours())}:${pad2(at.getUTCMinutes())}:${pad2(at.getUTCSeconds())} +0000`
  const text = `${stamp} (${formatElapsed(previousMs, 'profile')})       ${formatElapsed(totalMs, 'profile')}`
  return `${text} ${'*'.repeat(Math.max(3, WIDTH - 1 - text.length - 1))}`
}

/** The PLAY RECAP host line, padded like ansible's `%-26s` host and `%s=%-4s` counters. */
export function recapLine(host: string, counts: RecapCounts): string {
  const field = (name: string, value: number) => `${name}=${String(value).padEnd(4)}`
  return (
    `${host.padEnd(26)} : ${field('ok', counts.ok)} ${field('changed', counts.changed)} ` +
    `${field('unreachable', counts.unreachable)} ${field('failed', counts.failed)} ${field('skipped', counts.skipped)} ` +
    `${field('rescued', counts.rescued)} ${field('ignored', counts.ignored)}`
  )
}

/** The `fatal:` line and its indented YAML block, as the yaml result format prints them. */
export function fatalBlock(host: string, failure: TaskFailure): string[] {
  const lines = [`fatal: [${host}]: FAILED! => changed=${failure.changed}`]
  if (failure.cmd !== undefined) lines.push(`  cmd: ${yamlScalar(failure.cmd)}`)
  lines.push(`  msg: ${yamlScalar(failure.msg)}`)
  if (failure.rc !== undefined) lines.push(`  rc: ${failure.rc}`)
  if (failure.stderr !== undefined) {
    lines.push('  stderr: |-', ...failure.stderr.split('\n').map((line) => `    ${line}`), '  stderr_lines: <omitted>')
    lines.push("  stdout: ''", '  stdout_lines: <omitted>')
  }
  return lines
}

/**
 * Play the transcript. Resolves with the playbook's exit status; rejects with the signal's reason when
 * aborted (the caller reports death by signal, as a killed ansible-playbook would be).
 */
export async function playBootstrapTranscript(options: TranscriptOptions): Promise<number> {
  const tasks = options.tasks ?? BOOTSTRAP_TASKS
  const now = options.now ?? (() => new Date())
  const totalWeight = tasks.reduce((sum, task) => sum + task.weight, 0)
  const substitute = (text: string) =>
    text
      .replaceAll('{host}', options.hostName)
      .replaceAll('{overrides}', options.overrideFilesDir)
      .replaceAll('{mgmt_address}', options.management?.address ?? '192.168.101.2')
      .replaceAll('{mgmt_subnet}', options.management?.subnet ?? '192.168.101.0/24')
  // Output is written when the play is about to wait for a while (and at the end): a task that takes less
  // than LIVE_MS goes out together with its neighbours, in one SSH packet instead of two each. Tasks that
  // take longer show their banner while they run, as ansible's does.
  let pending = ''
  const emit = (...lines: string[]) => (pending += lines.map((line) => line + '\n').join(''))
  const flush = () => {
    const text = pending
    pending = ''
    if (text) options.write(text)
  }
  const counts: RecapCounts = {ok: 0, changed: 0, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0}
  const durations: Array<{name: string; ms: number}> = []

  const started = now().getTime()
  let previousStart = started
  emit('', banner('PLAY [all]'))
  let failed = false
  for (const task of tasks) {
    const taskStart = now().getTime()
    emit(
      '',
      banner(`TASK [${task.role} : ${substitute(task.name)}]`),
      timingLine(now(), taskStart - previousStart, taskStart - started),
    )
    previousStart = taskStart
    const skipped = task.result === 'skipping' || (task.notAbortable && options.distributedCloudRole !== 'subcloud')
    if (!skipped) options.onTaskStart?.(task)
    const taskMs = (options.durationMs * task.weight) / totalWeight
    if (taskMs >= LIVE_MS) flush()
    try {
      await sleep(taskMs, options.signal)
    } catch (error) {
      // Killed: what the play had printed so far was on the wire already.
      try {
        flush()
      } catch {
        // The reader is gone too.
      }
      throw error
    }
    durations.push({name: `${task.role} : ${substitute(task.name)}`, ms: now().getTime() - taskStart})

    if (options.failAt?.task === task) {
      const failure = options.failAt.failure ?? task.failure ?? genericFailure(task)
      emit(
        ...fatalBlock(options.hostName, {
          ...failure,
          msg: substitute(failure.msg),
          cmd: failure.cmd === undefined ? undefined : substitute(failure.cmd),
          stderr: failure.stderr === undefined ? undefined : substitute(failure.stderr),
        }),
      )
      counts.failed++
      failed = true
      break
    }
    if (task.includes) {
      emit(`included: ${ROLES_DIR}/${task.includes} for ${options.hostName}`)
      continue
    }
    const result = skipped ? 'skipping' : task.result
    const host = task.delegated && !skipped ? `${options.hostName} -> localhost` : options.hostName
    if (task.items) {
      for (const item of task.items) emit(`${result}: [${host}] => (item=${substitute(item)})`)
    } else {
      emit(`${result}: [${host}]`)
    }
    if (result === 'skipping') counts.skipped++
    else {
      counts.ok++
      if (result === 'changed') counts.changed++
    }
    if (!skipped) options.onTaskDone?.(task)
  }

  const end = now()
  emit('', banner('PLAY RECAP'), recapLine(options.hostName, counts), '')
  emit(banner('TASKS RECAP'), timingLine(end, end.getTime() - previousStart, end.getTime() - started), '='.repeat(79))
  const slowest = [...durations].sort((a, b) => b.ms - a.ms).slice(0, 20)
  emit(...slowest.map(({name, ms}) => profileLine(name, ms)))
  flush()
  return failed ? PLAYBOOK_EXIT.hostFailed : PLAYBOOK_EXIT.ok
}

function profileLine(name: string, ms: number): string {
  const seconds = `${(ms / 1000).toFixed(2)}s`
  return `${name} ${'-'.repeat(Math.max(1, 79 - name.length - seconds.length - 2))} ${seconds}`
}

function genericFailure(task: TranscriptTask): TaskFailure {
  return {changed: false, msg: `${task.name} failed on this host.`}
}

/** Quote like ansible's YAML dumper: plain when safe, else single-quoted with '' escapes. */
function yamlScalar(text: string): string {
  if (/^[A-Za-z0-9/][^:#'"\n]*$/.test(text) && !/\s$/.test(text)) return text
  return `'${text.replaceAll("'", "''")}'`
}

function pad2(value: number): string {
  return String(value).padStart(2, '0')
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason)
    const onAbort = () => {
      timer.cancel()
      reject(signal.reason)
    }
    const timer = setLongTimeout(() => {
      signal.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal.addEventListener('abort', onAbort, {once: true})
  })
}
