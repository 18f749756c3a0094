import {readFileSync} from 'node:fs'

import {ConnectionError, DcmError, ExitCode, InterruptedError, OperationError, TimeoutError} from '../errors.js'
import {registerSecret} from '../secrets.js'
import {connectSsh, type SshSession} from '../ssh/connection.js'
import {AnsibleStreamParser} from './ansible-events.js'
import {describeError, describePlaybookFailure, describeTimeout} from './error-description.js'
import {BootstrapLog} from './log-file.js'
import {overridesForUpload} from './overrides-upload.js'
import {PlaybookRun, type StopReason} from './playbook-run.js'
import {NOT_ABORTABLE_FLAG, playbookArgv, playbookCommand} from './remote-commands.js'
import {RunTracker} from './run-tracker.js'
import {asSysadminLoginError} from './sysadmin-login.js'
import {
  DEFAULT_BOOTSTRAP_PLAYBOOK,
  DEFAULT_BOOTSTRAP_TIMEOUT_S,
  type BootstrapEvent,
  type BootstrapOptions,
  type BootstrapResult,
} from './types.js'

interface StopContext {
  name: string
  timeoutS: number
  inactivityS: number
  /** The task running when the stop came, if any. */
  task?: string
}

interface StoppedResult {
  logNote: string
  outcome: 'timeout' | 'aborted'
  error: DcmError
  summary: string
  errorDescription: string
}

/** Why a run was stopped -> what the log, the result and the operator are told (local-bootstrap.md §5.6-5.7). */
const STOPPED: Record<StopReason, (context: StopContext) => StoppedResult> = {
  timeout: ({name, timeoutS, task}) => {
    const error = new TimeoutError(`bootstrap timed out after ${timeoutS}s; the playbook was stopped`)
    return {
      logNote: `TIMEOUT (${timeoutS}s) - playbook is terminated`,
      outcome: 'timeout',
      error,
      summary: `${name}: ${error.message}${during(task)}`,
      errorDescription: describeTimeout(name),
    }
  },
  inactivity: ({name, inactivityS, task}) => {
    const error = new TimeoutError(
      `no output from the playbook for ${inactivityS}s${during(task)}; the playbook was stopped`,
    )
    return {
      logNote: `INACTIVITY TIMEOUT (${inactivityS}s without output) - playbook is terminated`,
      outcome: 'timeout',
      error,
      summary: `${name}: ${error.message}`,
      errorDescription: describeTimeout(name),
    }
  },
  aborted: ({name, task}) => {
    const error = new InterruptedError(`bootstrap interrupted; the playbook was stopped`)
    return {
      logNote: 'ABORTED by the operator - playbook is terminated',
      outcome: 'aborted',
      error,
      summary: `${name}: ${error.message}${during(task)}`,
      errorDescription: `Aborted while bootstrapping subcloud ${name}`,
    }
  },
}

function during(task: string | undefined): string {
  return task ? ` during "${task}"` : ''
}

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
    await cleanup(session, overridesPath, options.keepOverrides, log, options.target.host)
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
  const inactivityS = options.inactivityTimeoutSeconds ?? 0
  const playbookRun = new PlaybookRun(session, {
    timeoutS,
    inactivityS,
    signal: options.signal,
    log,
    emit,
    onOutput: (text) => {
      log.write(text)
      parser.feed(text)
    },
  })
  let run
  try {
    run = await playbookRun.execute(playbookCommand(ansiblePlaybook, playbook))
  } catch (error) {
    await cleanup(session, overridesPath, options.keepOverrides, log, options.target.host)
    return notStarted(error)
  }
  parser.end()

  const base = {playbookExitCode: run.code, playbookSignal: run.signal}
  const {stopReason, pgid} = playbookRun
  if (stopReason) {
    const stopped = STOPPED[stopReason]({name, timeoutS, inactivityS, task: tracker.currentTask})
    log.note(stopped.logNote)
    await cleanup(session, overridesPath, options.keepOverrides, log, options.target.host)
    return finish({
      ...base,
      outcome: stopped.outcome,
      exitCode: stopped.error.exitCode,
      summary: stopped.summary,
      errorDescription: stopped.errorDescription,
      error: stopped.error,
    })
  }
  if (run.lost) {
    const where = pgid ? ` (remote process group ${pgid})` : ''
    log.note(`CONNECTION LOST - the playbook may still be running on the host${where}`)
    // The playbook may still be reading the overrides: they are not removed behind its back. Say where they
    // are (they hold ansible_become_pass); the next bootstrap of this host overwrites and then removes them.
    const left = overridesPath && !options.keepOverrides ? leftOverridesNote(options.target.host, overridesPath) : ''
    if (left) log.note(left)
    session.close()
    const error = new ConnectionError(
      `the SSH connection to ${options.target.host} was lost during the bootstrap; the playbook may still be running on the host${where}${left ? `; ${left}` : ''}`,
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
  await cleanup(session, overridesPath, options.keepOverrides, log, options.target.host)
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

function leftOverridesNote(host: string, overridesPath: string): string {
  return `the uploaded overrides (with the sysadmin password) are still on ${host} at ${overridesPath}: the next bootstrap of this host removes them, or remove them by hand`
}

/**
 * Remove the uploaded overrides (they hold the sysadmin password: a local bootstrap does not leave them
 * behind, §7) and close. When the connection is already gone the log says where they were left.
 */
async function cleanup(
  session: SshSession,
  overridesPath: string | undefined,
  keep = false,
  log?: {note(text: string): void},
  host = 'the host',
): Promise<void> {
  try {
    if (!overridesPath || keep) return
    if (session.isClosed) throw new Error('connection closed')
    await session.remove(overridesPath)
  } catch {
    log?.note(leftOverridesNote(host, overridesPath as string))
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
