import type {SshTargetOptions} from '../ssh/types.js'
import type {BootstrapLog} from './log-file.js'

/** The StarlingX bootstrap playbook (local-bootstrap.md §1). */
export const DEFAULT_BOOTSTRAP_PLAYBOOK = '/usr/share/ansible/stx-ansible/playbooks/bootstrap.yml'
/** dcm proposal in local-bootstrap.md §5.6: a wall-clock limit of one hour by default, 0 = none. */
export const DEFAULT_BOOTSTRAP_TIMEOUT_S = 3600

export interface RecapCounts {
  ok: number
  changed: number
  unreachable: number
  failed: number
  skipped: number
  rescued: number
  ignored: number
}

export type ResultStatus = 'ok' | 'changed' | 'skipped' | 'failed' | 'ignored' | 'unreachable'

/** What the ansible stream parser emits, in order (local-bootstrap.md §6 line shapes). */
export type AnsibleEvent =
  | {type: 'play'; name: string}
  /** `index` counts task (and handler) banners from 1; `role` is the role named in the banner, if any. */
  | {type: 'task'; index: number; role?: string; name: string; handler: boolean}
  | {type: 'result'; status: ResultStatus; host: string; item?: string; task?: string}
  /** A `fatal:`/`failed:` block once its YAML detail has been read; `ignored` is decided later by `...ignoring`. */
  | {type: 'failure'; host: string; kind: 'FAILED' | 'UNREACHABLE'; task?: string; message: string; item?: string}
  | {type: 'recap'; host: string; counts: RecapCounts}
  /** `ERROR! ...`: ansible itself failed (syntax error, missing playbook). */
  | {type: 'error'; message: string}
  | {type: 'warning'; message: string}

/** Progress events of a whole bootstrap run (what a reporter renders). */
export type BootstrapEvent =
  | {type: 'log-file'; path: string}
  | {type: 'stage'; stage: 'connecting' | 'uploading' | 'running' | 'stopping' | 'cleanup'; detail?: string}
  | {type: 'ansible'; event: AnsibleEvent; elapsedMs: number}
  | {type: 'finished'; result: BootstrapResult}

/**
 * complete: exit 0. failed: the playbook failed (a task, or ansible itself). timeout: --timeout expired and the
 * remote process group was killed. aborted: the caller's signal (Ctrl-C) fired and the group was killed.
 * connection-lost: the SSH connection died during the run (the remote run may still be going). not-started:
 * connect, authentication or the upload failed: nothing ran.
 */
export type BootstrapOutcome = 'complete' | 'failed' | 'timeout' | 'aborted' | 'connection-lost' | 'not-started'

export interface BootstrapResult {
  subcloudName: string
  outcome: BootstrapOutcome
  /** The process exit code dcm maps this result to (0/1/3/4/130). */
  exitCode: number
  /** One line for the operator. */
  summary: string
  /** local-bootstrap.md §5.5 error-description (what dcmanager would store), for every outcome but complete. */
  errorDescription?: string
  /** `role : task` of the task that failed, and its msg (+ stderr). */
  failedTask?: string
  failureMessage?: string
  /** Raw exit status of ansible-playbook, when one arrived. */
  playbookExitCode?: number | null
  playbookSignal?: string
  recap?: Record<string, RecapCounts>
  tasksRun: number
  elapsedMs: number
  logPath?: string
  /** The typed error behind not-started / connection-lost results. */
  error?: Error
}

export interface BootstrapOptions {
  /** Where and how to reach controller-0: the bootstrap address and SSH options. */
  target: SshTargetOptions
  /** The sysadmin password: SSH password auth, `ansible_become_pass` in the uploaded overrides, sudo. */
  password: string
  /** The bootstrap values (YAML text) as the operator wrote them. */
  overridesText: string
  subcloudName: string
  /** Remote playbook path; default DEFAULT_BOOTSTRAP_PLAYBOOK. */
  playbook?: string
  /** Remote ansible-playbook binary; default `ansible-playbook` from the login PATH. */
  ansiblePlaybook?: string
  /** Wall-clock limit in seconds; undefined = DEFAULT_BOOTSTRAP_TIMEOUT_S, 0 = none. */
  timeoutSeconds?: number
  /**
   * Stop the run when the playbook prints nothing for this many seconds (0 or undefined = never). Real
   * bootstraps are silent for minutes inside puppet or image pulls: keep it generous (>= 900).
   */
  inactivityTimeoutSeconds?: number
  /** Ctrl-C: the remote process group is killed and the result is `aborted`. */
  signal?: AbortSignal
  onEvent?: (event: BootstrapEvent) => void
  /** Directory for the run's log file; default /var/log/dcmanager when writable, else the user's state dir. */
  logDir?: string
  /**
   * A log already opened by the caller (the pre-flight wrote to it first); default: a new one in `logDir`.
   * Its path was reported by the caller, so no `log-file` event is emitted for it.
   */
  log?: BootstrapLog
  /** Keep the uploaded overrides file (holds the password, 0600) after the run; default: removed. */
  keepOverrides?: boolean
}
