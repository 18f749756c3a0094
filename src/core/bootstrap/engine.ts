import {readFileSync} from 'node:fs'

import {type LongTimer, setLongTimeout} from '../duration.js'
import {ConnectionError, DcmError, ExitCode, InterruptedError, OperationError, TimeoutError} from '../errors.js'
import {registerSecret} from '../secrets.js'
import {connectSsh, type SshSession} from '../ssh/connection.js'
import {AnsibleStreamParser} from './ansible-events.js'
import {describeError, describePlaybookFailure, describeTimeout} from './error-description.js'
import {BootstrapLog} from './log-file.js'
import {overridesForUpload} from './overrides-upload.js'
import {
  NOT_ABORTABLE_FLAG,
  PGID_MARKER,
  WAITING_MARKER,
  killGroupCommand,
  playbookArgv,
  playbookCommand,
} from './remote-commands.js'
import {RunTracker} from './run-tracker.js'
import {asSysadminLoginError} from './sysadmin-login.js'
import {
  DEFAULT_BOOTSTRAP_PLAYBOOK,
  DEFAULT_BOOTSTRAP_TIMEOUT_S,
  type BootstrapEvent,
  type BootstrapOptions,
  type BootstrapResult,
} from './types.js'

/** How long an abort honours the not-abortable flag (dcmanager's run_abort timeout, §5.7). */
const NOT_ABORTABLE_WAIT_S = 600
/** After the kill command, how long the run's channel may take to report the end before we stop waiting. */
const AFTER_KILL_GRACE_MS = 15_000

type StopReason = 'timeout' | 'inactivity' | 'aborted'

/**
 * Bootstrap one controller-0 over SSH (local-bootstrap.md §4 and §7): upload the overrides to
 * `$HOME/localhost.yml` (0600), run the bootstrap playbook in its own process group, stream its output to the
 * log file and to `onEvent`, and return a result naming the failing task. Never throws for run failures: every
 * outcome (including unreachable hosts) is a result, so batches and the lab's deployer can carry on. It throws
 * only when the log file cannot be created, before anything is contacted.
 */
export async function runBootstrap(options: BootstrapOptions): Promise<BootstrapResult> {
  registerSecret(options.password)
  const started = Date.now()
  const emit = (event: BootstrapEvent) => options.onEvent?.(event)
  const name = options.subcloudName
  const playbook = options.playbook ?? DEFAULT_BOOTSTRAP_PLAYBOOK
  const ansiblePlaybook = options.ansiblePlaybook ?? 'ansible-playbook'
  const timeoutS = options.timeoutSeconds ?? DEFAULT_BOOTSTRAP_TIMEOUT_S

  const log = options.log ?? BootstrapLog.create(name, options.logDir)
  if (!options.log) emit({type: 'log-file', path: log.path})
  const tracker = new RunTracker()
  const finish = (partial: Omit<BootstrapResult, 'subcloudName' | 'tasksRun' | 'elapsedMs' | 'logPath' | 'recap'>) => {
    log.close()
    const result: BootstrapResult = {
      subcloudName: name,
      tasksRun: tracker.tasksRun,
      elapsedMs: Date.now() - started,
      logPath: log.path,
      recap: Object.keys(tracker.recap).length ? tracker.recap : undefined,
      ...partial,
    }
    emit({type: 'finished', result})
    return result
  }
  const notStarted = (error: unknown) => {
    const dcmError = error instanceof DcmError ? error : new OperationError((error as Error).message)
    log.note(`bootstrap not started: ${dcmError.message}`)
    return finish({
      outcome: 'not-started',
      exitCode: options.signal?.aborted ? ExitCode.interrupted : dcmError.exitCode,
      summary: `${name}: ${dcmError.message}`,
      errorDescription: describeError(name, dcmError.message),
      error: dcmError,
    })
  }

  if (options.signal?.aborted) return notStarted(new InterruptedError('interrupted before the bootstrap started'))
  emit({type: 'stage', stage: 'connecting', detail: options.target.host})
  let session: SshSession
  try {
    session = await connectSsh({...options.target, password: options.password})
  } catch (error) {
    return notStarted(asSysadminLoginError(error))
  }

  let overridesPath: string | undefined
  try {
    emit({type: 'stage', stage: 'uploading'})
    const home = await session.homeDirectory()
    overridesPath = `${home}/localhost.yml`
    await session.upload(overridesPath, overridesForUpload(options.overridesText, options.password), 0o600)
    // A flag left by an earlier killed run would make an abort wait for nothing (dcmanager deletes it too).
    await session.remove(`${home}/${NOT_ABORTABLE_FLAG}`)
    if (options.signal?.aborted) throw new InterruptedError('interrupted before the playbook started')
  } catch (error) {
    await cleanup(session, overridesPath, options.keepOverrides)
    return notStarted(error)
  }

  const argv = playbookArgv(ansiblePlaybook, playbook)
  const timeoutNote = timeoutS > 0 ? ` (timeout: ${timeoutS}s)` : ''
  log.note(`Executing playbook command${timeoutNote}: [${argv.map((a) => `'${a}'`).join(', ')}]`)
  emit({type: 'stage', stage: 'running', detail: playbook})

  const parser = new AnsibleStreamParser((event) => {
    tracker.observe(event)
    emit({type: 'ansible', event, elapsedMs: Date.now() - started})
  })
  let pgid: number | undefined
  let stopReason: StopReason | undefined
  let killing: Promise<void> | undefined
  let stderrHead = ''
  let killOutput = ''
  const runController = new AbortController()

  const kill = () => {
    if (killing || pgid === undefined || !stopReason) return
    if (pgid <= 1) {
      // No process group was reported (no setsid on the host): closing the channel is all that is left.
      runController.abort()
      return
    }
    emit({type: 'stage', stage: 'stopping', detail: stopReason})
    const wait = stopReason === 'aborted' ? NOT_ABORTABLE_WAIT_S : 0
    killing = session
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
          killOutput += text
        },
      })
      .then((result) => {
        const stopped = result.code === 0 && killOutput.includes('stopped')
        log.note(stopped ? `process group ${pgid} stopped` : `process group ${pgid} may still run`)
      })
      .catch((error) => log.note(`could not stop process group ${pgid}: ${(error as Error).message}`))
      .finally(() => {
        // The run's channel normally closes by itself once the group is gone; do not wait forever for it.
        setTimeout(() => runController.abort(), AFTER_KILL_GRACE_MS).unref()
      })
  }
  const requestStop = (reason: StopReason) => {
    stopReason ??= reason
    kill()
  }
  const onAbort = () => requestStop('aborted')
  options.signal?.addEventListener('abort', onAbort, {once: true})
  const timer = timeoutS > 0 ? setLongTimeout(() => requestStop('timeout'), timeoutS * 1000) : undefined
  // The inactivity limit (local-bootstrap.md §5.6): no output line for that long means a hung run.
  const inactivityS = options.inactivityTimeoutSeconds ?? 0
  let quietTimer: LongTimer | undefined
  const armInactivity = () => {
    if (inactivityS <= 0 || stopReason) return
    quietTimer?.cancel()
    quietTimer = setLongTimeout(() => requestStop('inactivity'), inactivityS * 1000)
  }
  armInactivity()

  let run
  try {
    run = await session.exec(playbookCommand(ansiblePlaybook, playbook), {
      signal: runController.signal,
      onStdout: (text) => {
        armInactivity()
        log.write(text)
        parser.feed(text)
      },
      onStderr: (text) => {
        armInactivity()
        // The first stderr line carries the process group id; everything else is ansible's own stderr.
        if (pgid === undefined) {
          stderrHead += text
          const match = new RegExp(`^${PGID_MARKER}(\\d+)\\n`).exec(stderrHead)
          if (!match && stderrHead.length < 64 && !stderrHead.includes('\n')) return
          if (match) {
            pgid = Number(match[1])
            text = stderrHead.slice(match[0].length)
            kill()
          } else {
            pgid = 0
            text = stderrHead
          }
        }
        if (text) {
          log.write(text)
          parser.feed(text)
        }
      },
    })
  } catch (error) {
    timer?.cancel()
    quietTimer?.cancel()
    options.signal?.removeEventListener('abort', onAbort)
    await cleanup(session, overridesPath, options.keepOverrides)
    return notStarted(error)
  }
  timer?.cancel()
  quietTimer?.cancel()
  options.signal?.removeEventListener('abort', onAbort)
  parser.end()
  await killing

  const base = {playbookExitCode: run.code, playbookSignal: run.signal}
  if (stopReason === 'timeout') {
    log.note(`TIMEOUT (${timeoutS}s) - playbook is terminated`)
    await cleanup(session, overridesPath, options.keepOverrides)
    const error = new TimeoutError(`bootstrap timed out after ${timeoutS}s; the playbook was stopped`)
    return finish({
      ...base,
      outcome: 'timeout',
      exitCode: ExitCode.timeout,
      summary: `${name}: ${error.message}${tracker.currentTask ? ` during "${tracker.currentTask}"` : ''}`,
      errorDescription: describeTimeout(name),
      error,
    })
  }
  if (stopReason === 'inactivity') {
    log.note(`INACTIVITY TIMEOUT (${inactivityS}s without output) - playbook is terminated`)
    await cleanup(session, overridesPath, options.keepOverrides)
    const during = tracker.currentTask ? ` during "${tracker.currentTask}"` : ''
    const error = new TimeoutError(`no output from the playbook for ${inactivityS}s${during}; the playbook was stopped`)
    return finish({
      ...base,
      outcome: 'timeout',
      exitCode: ExitCode.timeout,
      summary: `${name}: ${error.message}`,
      errorDescription: describeTimeout(name),
      error,
    })
  }
  if (stopReason === 'aborted') {
    log.note('ABORTED by the operator - playbook is terminated')
    await cleanup(session, overridesPath, options.keepOverrides)
    const error = new InterruptedError(`bootstrap interrupted; the playbook was stopped`)
    return finish({
      ...base,
      outcome: 'aborted',
      exitCode: ExitCode.interrupted,
      summary: `${name}: ${error.message}${tracker.currentTask ? ` during "${tracker.currentTask}"` : ''}`,
      errorDescription: `Aborted while bootstrapping subcloud ${name}`,
      error,
    })
  }
  if (run.lost) {
    const where = pgid ? ` (remote process group ${pgid})` : ''
    log.note(`CONNECTION LOST - the playbook may still be running on the host${where}`)
    session.close()
    const error = new ConnectionError(
      `the SSH connection to ${options.target.host} was lost during the bootstrap; the playbook may still be running on the host${where}`,
      {hint: `see the log ${log.path}; reconnect and check before running the bootstrap again`},
    )
    return finish({
      ...base,
      outcome: 'connection-lost',
      exitCode: ExitCode.unreachable,
      summary: `${name}: ${error.message}`,
      errorDescription: describeError(name, 'the SSH connection was lost'),
      error,
    })
  }
  await cleanup(session, overridesPath, options.keepOverrides)
  if (run.code === 0) {
    const counts = tracker.totals()
    return finish({
      ...base,
      outcome: 'complete',
      exitCode: ExitCode.ok,
      summary: `${name}: bootstrap complete (${tracker.tasksRun} tasks, ok=${counts.ok} changed=${counts.changed} failed=${counts.failed})`,
    })
  }
  log.close()
  const failure = tracker.lastFailure
  const logText = safeRead(log.path)
  const failedTask = failure?.task
  const failureMessage = failure?.message ?? tracker.ansibleError ?? lastLines(logText)
  return finish({
    ...base,
    outcome: 'failed',
    exitCode: ExitCode.failed,
    failedTask,
    failureMessage,
    summary: failedTask
      ? `${name}: bootstrap failed at task "${failedTask}": ${firstLine(failureMessage)}`
      : `${name}: bootstrap failed (ansible-playbook exit ${run.code ?? run.signal}): ${firstLine(failureMessage)}`,
    errorDescription: describePlaybookFailure(name, logText, log.path),
  })
}

async function cleanup(session: SshSession, overridesPath: string | undefined, keep = false): Promise<void> {
  try {
    // The uploaded file holds the sysadmin password: a local bootstrap does not leave it behind (§7).
    if (overridesPath && !keep && !session.isClosed) await session.remove(overridesPath)
  } catch {
    // Best effort: the file is 0600 in the sysadmin's home; the result already tells what happened.
  } finally {
    session.close()
  }
}

function safeRead(file: string): string {
  try {
    return readFileSync(file, 'utf8')
  } catch {
    return ''
  }
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0] ?? ''
}

function lastLines(text: string): string {
  return text.trim().split('\n').slice(-3).join('\n')
}
