import {Command, Flags, Interfaces} from '@oclif/core'

import {DcmError, ExitCode} from '../core/errors.js'
import {formatList, formatShow} from '../core/output/index.js'
import type {Cell} from '../core/output/types.js'
import type {JsonShape} from './json-shape.js'
import {type OutputFlagValues, outputOptionsFrom} from './output-flags.js'
import {redact} from '../core/secrets.js'

export type BaseFlags<T extends typeof Command> = Interfaces.InferredFlags<
  (typeof BaseCommand)['baseFlags'] & T['flags']
>
export type BaseArgs<T extends typeof Command> = Interfaces.InferredArgs<T['args']>

/** Exit codes, shown in every command's --help (design.md §3). */
export const EXIT_CODES_HELP = `EXIT CODES
  0    success
  1    the operation failed (API error, bootstrap failed, remote command failed)
  2    usage or input error (bad flag, invalid override file); nothing was sent
  3    cannot reach or authenticate to a service (connection, TLS, 401)
  4    timed out waiting (--wait --timeout)
  130  interrupted (Ctrl-C)`

export interface InterruptOptions {
  /** Default SIGINT and SIGTERM. */
  signals?: NodeJS.Signals[]
  /** Runs on the first signal, before the abort (e.g. say what is being stopped). */
  onInterrupt?: () => void
  /**
   * A further signal while the stop is under way: 'ignore' (the default: let the stop finish, e.g. a
   * network rollback), 'exit' (leave now with 130), or a handler that decides.
   */
  onRepeat?: 'ignore' | 'exit' | (() => void)
}

/**
 * The base of every dcm command: shared flags, parsing, and the single place where an error becomes
 * `Error: ...` / `Hint: ...` and a documented exit code, the same with and without --json.
 */
export abstract class BaseCommand<T extends typeof Command> extends Command {
  static enableJsonFlag = true
  /** What `--json` prints on success (src/cli/json-shape.ts); every command declares one. */
  declare static jsonShape?: JsonShape

  static baseFlags = {
    debug: Flags.boolean({
      description: 'Print stack traces and the HTTP/SSH exchange (secrets redacted).',
      helpGroup: 'GLOBAL',
      env: 'DCM_DEBUG',
    }),
  }

  protected flags!: BaseFlags<T>
  protected args!: BaseArgs<T>

  public async init(): Promise<void> {
    await super.init()
    const ctor = this.ctor as typeof BaseCommand
    const {args, flags} = await this.parse({
      flags: ctor.flags,
      baseFlags: ctor.baseFlags,
      enableJsonFlag: ctor.enableJsonFlag,
      args: ctor.args,
      strict: ctor.strict,
    })
    this.flags = flags as BaseFlags<T>
    this.args = args as BaseArgs<T>
  }

  /** Debug lines go to stderr, scrubbed of every registered secret. */
  protected debugLine = (line: string): void => {
    if (this.flags?.debug) process.stderr.write(`DEBUG: ${redact(line)}\n`)
  }

  /**
   * Print a Lister result (spread `listerFlags` into the command's flags). With --json, oclif prints the
   * returned records instead: an array of objects keyed by column name, like `-f json`.
   */
  protected printList(columns: string[], rows: Cell[][]): Record<string, Cell>[] {
    if (!this.jsonEnabled())
      process.stdout.write(formatList(columns, rows, outputOptionsFrom(this.flags as OutputFlagValues)))
    return rows.map((row) => Object.fromEntries(columns.map((column, i) => [column, row[i] ?? null])))
  }

  /**
   * Run `work` with an AbortSignal that Ctrl-C (SIGINT) and SIGTERM abort, and remove the listeners after,
   * whatever happens: the one place a command wires signals. `interrupt` does what a signal does (a prompt
   * that catches Ctrl-C itself calls it). Library code takes the signal and throws an
   * InterruptedError (exit 130) once it has stopped or left the remote work in a known state.
   */
  protected async withInterrupt<R>(
    work: (signal: AbortSignal, interrupt: () => void) => Promise<R>,
    options: InterruptOptions = {},
  ): Promise<R> {
    const controller = new AbortController()
    const onSignal = () => {
      if (!controller.signal.aborted) {
        options.onInterrupt?.()
        controller.abort()
      } else if (options.onRepeat === 'exit') process.exit(ExitCode.interrupted)
      else if (typeof options.onRepeat === 'function') options.onRepeat()
    }
    const signals = options.signals ?? ['SIGINT', 'SIGTERM']
    for (const signal of signals) process.on(signal, onSignal)
    try {
      return await work(controller.signal, onSignal)
    } finally {
      for (const signal of signals) process.off(signal, onSignal)
    }
  }

  /** Print a ShowOne result (spread `showFlags` into the command's flags). */
  protected printShow(fields: string[], values: Cell[]): Record<string, Cell> {
    if (!this.jsonEnabled())
      process.stdout.write(formatShow(fields, values, outputOptionsFrom(this.flags as OutputFlagValues)))
    return Object.fromEntries(fields.map((field, i) => [field, values[i] ?? null]))
  }

  protected async catch(error: Error & {exitCode?: number; oclif?: {exit?: number}}): Promise<unknown> {
    const exitCode = exitCodeOf(error)
    const message = redact(messageOf(error))
    const hint = error instanceof DcmError && error.hint ? redact(error.hint) : undefined
    if (this.jsonEnabled?.()) {
      process.stdout.write(
        JSON.stringify({status: exitCode, error: {name: error.name, message, hint, exitCode}}, null, 2) + '\n',
      )
    } else {
      process.stderr.write(`Error: ${message}\n`)
      if (hint) process.stderr.write(`Hint: ${hint}\n`)
    }
    if (this.flags?.debug && error.stack) process.stderr.write(redact(error.stack) + '\n')
    process.exitCode = exitCode
    return this.exit(exitCode)
  }
}

function messageOf(error: Error): string {
  // oclif parse errors carry multi-line help text; the first line is the message an operator needs.
  const text = error.message || String(error)
  return text.split('\n')[0].replace(/^Error: /, '')
}

export function exitCodeOf(error: Error & {exitCode?: number; oclif?: {exit?: number}; code?: unknown}): number {
  if (error instanceof DcmError) return error.exitCode
  if (error.name === 'ExitPromptError' || error.name === 'AbortPromptError') return ExitCode.interrupted
  // oclif's own errors (flag and argument parsing) carry oclif.exit, 2 by default: usage errors.
  if (typeof error.oclif?.exit === 'number') return error.oclif.exit
  if (typeof error.exitCode === 'number') return error.exitCode
  return ExitCode.failed
}
