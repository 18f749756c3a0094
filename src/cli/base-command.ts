import {Command, Flags, Interfaces, toConfiguredId} from '@oclif/core'

import {DcmError, ExitCode} from '../core/errors.js'
import {formatListText, formatShow} from '../core/output/index.js'
import type {Cell} from '../core/output/types.js'
import type {JsonShape} from './json-shape.js'
import {type OutputFlagValues, outputOptionsFrom} from './output-flags.js'
import {redact} from '../core/secrets.js'
import {escapeControl, escapeControlKeepNewlines} from '../core/output/control-chars.js'
import {describeParseError, isParseErrorText} from './parse-errors.js'
import {suggestFlag} from './suggest.js'

export type BaseFlags<T extends typeof Command> = Interfaces.InferredFlags<
  (typeof BaseCommand)['baseFlags'] & T['flags']
>
export type BaseArgs<T extends typeof Command> = Interfaces.InferredArgs<T['args']>

/** Exit codes, shown in every command's --help (design.md §3). */
export const EXIT_CODES_HELP = `EXIT CODES
  0    success
  1    the operation failed (API error or an unusable answer, bootstrap failed, remote command failed)
  2    usage or input error (bad flag, invalid override file); nothing was sent
  3    cannot reach or authenticate to a service (connection, TLS, 401, --request-timeout)
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
   * returned records instead: an array of objects keyed by column name, like `-f json` (empty without --json).
   */
  protected printList(columns: string[], rows: Cell[][]): Record<string, Cell>[] {
    // The records are only for oclif's --json: building 5,000 of them for a table nobody returns them from
    // was per-row work the output never used.
    if (this.jsonEnabled())
      return rows.map((row) => Object.fromEntries(columns.map((column, i) => [column, row[i] ?? null])))
    const options = outputOptionsFrom(this.flags as OutputFlagValues)
    process.stdout.write(formatListText(columns, forTerminal(rows, options.format), options))
    return []
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

  /**
   * Print a ShowOne result (spread `showFlags` into the command's flags). `showHeader` is the table's header
   * when the upstream client is not cliff (the `system` family prints `Property | Value`).
   */
  protected printShow(fields: string[], values: Cell[], showHeader?: readonly [string, string]): Record<string, Cell> {
    if (!this.jsonEnabled()) {
      const options = outputOptionsFrom(this.flags as OutputFlagValues)
      process.stdout.write(formatShow(fields, forTerminal([values], options.format)[0], {...options, showHeader}))
    }
    return Object.fromEntries(fields.map((field, i) => [field, values[i] ?? null]))
  }

  /** oclif's parse errors carry no hint: a mistyped flag gets the closest one this command takes. */
  private usageHint(error: Error & {flags?: string[]}): string | undefined {
    if (!/^Nonexistent flags?: /.test(error.message) || !error.flags?.length) return undefined
    const ctor = this.ctor as typeof BaseCommand
    const suggestion = suggestFlag(error.flags[0], {...ctor.baseFlags, ...ctor.flags})
    const help = `${this.config.bin} ${toConfiguredId(this.id ?? '', this.config)} --help`
    return suggestion ? `did you mean ${suggestion}? (${help} lists the flags)` : `${help} lists the flags`
  }

  protected async catch(error: Error & {exitCode?: number; oclif?: {exit?: number}}): Promise<unknown> {
    const exitCode = exitCodeOf(error)
    const described = describeError(error, `${this.config?.bin ?? 'dcm'} ${(this.id ?? '').replace(/:/g, ' ')}`)
    const lines = described.lines
    const suggestion = error instanceof DcmError ? undefined : this.usageHint(error)
    const hint = suggestion ? redact(suggestion) : described.hint
    if (this.jsonEnabled?.()) {
      process.stdout.write(
        JSON.stringify(
          {status: exitCode, error: {name: error.name, message: lines.join('\n'), hint, exitCode}},
          null,
          2,
        ) + '\n',
      )
    } else {
      // Server-supplied text can carry control characters: shown escaped, so it cannot rewrite the terminal.
      for (const line of lines) process.stderr.write(`Error: ${escapeControl(line)}\n`)
      if (hint) process.stderr.write(`Hint: ${escapeControl(hint)}\n`)
    }
    if (this.flags?.debug && error.stack) process.stderr.write(redact(error.stack) + '\n')
    process.exitCode = exitCode
    return this.exit(exitCode)
  }
}

/**
 * Tables are for eyes: server text with ESC, NUL or other control characters is shown escaped there (newlines stay
 * multi-line cells and CR a space, as in upstream's prettytable). Machine formats keep the data as it is.
 */
function forTerminal(rows: Cell[][], format: string): Cell[][] {
  if (format !== 'table') return rows
  // A row is copied only when a cell changes: 5,000 clean rows stay the arrays they are.
  return rows.map((row) => {
    let escaped: Cell[] | undefined
    for (let i = 0; i < row.length; i++) {
      const cell = row[i]
      if (typeof cell !== 'string') continue
      const shown = escapeControlKeepNewlines(cell)
      if (shown !== cell) (escaped ??= [...row])[i] = shown
    }
    return escaped ?? row
  })
}

/** The lines and hint of an error, redacted: oclif's parse errors keep every problem, one line each. */
function describeError(error: Error, command: string): {lines: string[]; hint?: string} {
  const text = error.message || String(error)
  const dcmHint = error instanceof DcmError && error.hint ? redact(error.hint) : undefined
  if (isParseErrorText(text)) {
    const parsed = describeParseError(text)
    return {lines: parsed.lines.map(redact), hint: dcmHint ?? parsed.hint ?? `see '${command.trim()} --help'`}
  }
  // A library error is one line by contract; anything after a newline is detail for --debug.
  const lines = text.split('\n').filter((line) => line.trim() !== '')
  return {lines: [redact((lines[0] ?? text).replace(/^Error: /, ''))], hint: dcmHint}
}

export function exitCodeOf(error: Error & {exitCode?: number; oclif?: {exit?: number}; code?: unknown}): number {
  if (error instanceof DcmError) return error.exitCode
  if (error.name === 'ExitPromptError' || error.name === 'AbortPromptError') return ExitCode.interrupted
  // oclif's own errors (flag and argument parsing) carry oclif.exit, 2 by default: usage errors.
  if (typeof error.oclif?.exit === 'number') return error.oclif.exit
  if (typeof error.exitCode === 'number') return error.exitCode
  return ExitCode.failed
}
