import {closeSync, mkdirSync, writeSync} from 'node:fs'
import path from 'node:path'

import type {CommandResult, Executor} from './executor.js'
import {formatArgv} from './executor.js'
import {openPrivateFile} from '../files/private-file.js'

/**
 * Upstream recorded nothing. This wrapper appends every command dcm runs and its result (exit status and
 * stderr; stdout only for commands that change something, where it is short) to a log file created 0600.
 * No secret ever reaches these commands, so the log needs no redaction.
 */
export const DEFAULT_LOG_FILE = '/var/log/dcm/config-management.log'

export class LoggingExecutor implements Executor {
  readonly where: string
  private fd: number | undefined

  constructor(
    private readonly inner: Executor,
    readonly file: string,
  ) {
    this.where = inner.where
    mkdirSync(path.dirname(file), {recursive: true, mode: 0o700})
    // Opened once, refusing a planted symlink or device (--log-file /dev/null as root must not chmod it).
    this.fd = openPrivateFile(file, 'append')
    this.append(`${stamp()} config-management on ${inner.where} (pid ${process.pid})\n`)
  }

  async run(argv: string[]): Promise<CommandResult> {
    const result = await this.inner.run(argv)
    const reading = argv.includes('-j') || argv.includes('json0')
    const lines = [`${stamp()} $ ${formatArgv(argv)} -> exit ${result.code}`]
    if (!reading && result.stdout.trim()) lines.push(indent(result.stdout))
    if (result.stderr.trim()) lines.push(indent(result.stderr))
    this.append(lines.join('\n') + '\n')
    return result
  }

  close(): Promise<void> {
    if (this.fd !== undefined) closeSync(this.fd)
    this.fd = undefined
    return this.inner.close?.() ?? Promise.resolve()
  }

  private append(text: string): void {
    if (this.fd !== undefined) writeSync(this.fd, text)
  }
}

function stamp(): string {
  return new Date().toISOString()
}

function indent(text: string): string {
  return text
    .trimEnd()
    .split('\n')
    .map((line) => `    ${line}`)
    .join('\n')
}
