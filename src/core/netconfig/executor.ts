import {spawn} from 'node:child_process'

import {childEnvironment} from '../secrets.js'

/**
 * Where config-management's commands run. The engine only ever hands an argv to an Executor and reads back
 * the exit status and output, so the same plan runs on this host, inside a test's network namespace, or on a
 * remote controller over SSH. No shell is involved locally; remote executors quote every word.
 */
export interface CommandResult {
  /** Exit status; 127 when the program does not exist, 128+n when killed by signal n. */
  code: number
  stdout: string
  stderr: string
}

export interface Executor {
  /** Where the commands run, for messages: "this host", "network namespace t1", "root@10.10.10.12". */
  readonly where: string
  run(argv: string[]): Promise<CommandResult>
  close?(): Promise<void>
}

/** Exit status of a missing program, as a shell reports it. */
export const COMMAND_NOT_FOUND = 127

/**
 * Runs argv with child_process.spawn (no shell). Children get their own process group so that a Ctrl-C
 * typed at the terminal reaches only dcm: dcm then decides to roll back instead of an `ip` being killed
 * half way through a step.
 */
export class LocalExecutor implements Executor {
  readonly where = 'this host'

  run(full: string[]): Promise<CommandResult> {
    return new Promise((resolve) => {
      const child = spawn(full[0], full.slice(1), {
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
        // Stable, parseable messages from ip and lldpcli whatever the operator's locale.
        env: {...childEnvironment(), LC_ALL: 'C'},
      })
      let stdout = ''
      let stderr = ''
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
      child.on('error', (error: NodeJS.ErrnoException) => {
        const missing = error.code === 'ENOENT'
        resolve({
          code: missing ? COMMAND_NOT_FOUND : 1,
          stdout,
          stderr: missing ? `${full[0]}: command not found` : error.message,
        })
      })
      child.on('close', (code, signal) => {
        const signalNumber = signal ? (SIGNAL_NUMBERS[signal] ?? 15) : 0
        resolve({code: code ?? 128 + signalNumber, stdout, stderr})
      })
    })
  }
}

const SIGNAL_NUMBERS: Partial<Record<NodeJS.Signals, number>> = {SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15}

/** Runs every command of another executor inside a network namespace (`ip netns exec NS ...`). */
export class NetnsExecutor implements Executor {
  readonly where: string

  constructor(
    private readonly inner: Executor,
    readonly namespace: string,
  ) {
    this.where = `network namespace ${namespace} on ${inner.where}`
  }

  run(argv: string[]): Promise<CommandResult> {
    return this.inner.run(['ip', 'netns', 'exec', this.namespace, ...argv])
  }

  close(): Promise<void> {
    return this.inner.close?.() ?? Promise.resolve()
  }
}

/** An argv as an operator would type it (for plans, errors and logs); words with spaces are quoted. */
export function formatArgv(argv: string[]): string {
  return argv
    .map((word) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`))
    .join(' ')
}
