/**
 * Typed errors of the dcm library. Each carries the process exit code the CLI maps it to
 * (design.md §3): the library decides what went wrong, the command layer only renders it.
 */
export const ExitCode = {
  ok: 0,
  failed: 1,
  usage: 2,
  unreachable: 3,
  timeout: 4,
  interrupted: 130,
} as const
export type ExitCodeValue = (typeof ExitCode)[keyof typeof ExitCode]

export interface DcmErrorOptions {
  /** One line telling the operator what to do next. */
  hint?: string
  cause?: unknown
}

export class DcmError extends Error {
  readonly exitCode: ExitCodeValue = ExitCode.failed
  readonly hint?: string

  constructor(message: string, options: DcmErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : {cause: options.cause})
    this.name = new.target.name
    this.hint = options.hint
  }
}

/** Bad flag, bad argument, invalid input file: nothing was sent or changed. Exit 2. */
export class UsageError extends DcmError {
  override readonly exitCode = ExitCode.usage
}

/** The operation was attempted and failed (API error, failed bootstrap, remote command). Exit 1. */
export class OperationError extends DcmError {
  override readonly exitCode = ExitCode.failed
}

/** Cannot reach or authenticate to a service (connection refused, TLS, 401 after re-auth). Exit 3. */
export class ConnectionError extends DcmError {
  override readonly exitCode = ExitCode.unreachable
}

/** Gave up waiting (`--wait --timeout`, bootstrap `--timeout`). Exit 4. */
export class TimeoutError extends DcmError {
  override readonly exitCode = ExitCode.timeout
}

/** Ctrl-C or SIGTERM; remote work was stopped or left in a known state. Exit 130. */
export class InterruptedError extends DcmError {
  override readonly exitCode = ExitCode.interrupted
}

export function isDcmError(error: unknown): error is DcmError {
  return error instanceof DcmError
}
