import {accessSync, closeSync, constants, mkdirSync, statSync, writeSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {OperationError} from '../errors.js'
import {openPrivateFile, UnsafeFileError} from '../files/private-file.js'
import {redact} from '../secrets.js'

/**
 * The log of one bootstrap run: `<name>_bootstrap_<timestamp>.log`, created 0600 (it holds the whole playbook
 * output). Every line goes through `redact`, so a password ansible happened to print never reaches the disk.
 */
export const SYSTEM_LOG_DIR = '/var/log/dcmanager'

export function defaultLogDir(): string {
  try {
    if (statSync(SYSTEM_LOG_DIR).isDirectory()) {
      accessSync(SYSTEM_LOG_DIR, constants.W_OK)
      return SYSTEM_LOG_DIR
    }
  } catch {
    // Not there or not ours: fall back to the user's state directory.
  }
  const state = process.env.XDG_STATE_HOME || path.join(os.homedir(), '.local', 'state')
  return path.join(state, 'dcm', 'logs')
}

/** Local time as dcmanager writes it in its log lines: 2026-03-03-14:02:08. */
export function logTimestamp(date = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0')
  return `${date.getFullYear()}-${p(date.getMonth() + 1)}-${p(date.getDate())}-${p(date.getHours())}:${p(date.getMinutes())}:${p(date.getSeconds())}`
}

export class BootstrapLog {
  private fd: number | undefined
  private partial = ''

  private constructor(
    readonly path: string,
    fd: number,
  ) {
    this.fd = fd
  }

  static create(subcloudName: string, dir = defaultLogDir(), now = new Date()): BootstrapLog {
    const safeName = subcloudName.replace(/[^A-Za-z0-9._-]/g, '_') || 'subcloud'
    const stamp = logTimestamp(now).replace(/:/g, '-')
    try {
      mkdirSync(dir, {recursive: true, mode: 0o700})
    } catch (error) {
      throw new OperationError(`cannot create the log directory ${dir}: ${(error as NodeJS.ErrnoException).code}`)
    }
    // Two runs in the same second (a quick retry, a batch naming the same subcloud twice) get distinct files.
    for (let n = 0; n < 100; n++) {
      const file = path.join(dir, `${safeName}_bootstrap_${stamp}${n ? `_${n}` : ''}.log`)
      try {
        return new BootstrapLog(file, openPrivateFile(file, 'exclusive'))
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue
        if (error instanceof UnsafeFileError) throw error
        throw new OperationError(`cannot create the log file ${file}: ${(error as NodeJS.ErrnoException).code}`)
      }
    }
    throw new OperationError(`cannot create a log file in ${dir}: too many runs this second`)
  }

  /** Raw stream text (may end mid-line); complete lines are redacted and written. */
  write(text: string): void {
    this.partial += text
    const cut = this.partial.lastIndexOf('\n')
    if (cut < 0) return
    this.writeRaw(this.partial.slice(0, cut + 1))
    this.partial = this.partial.slice(cut + 1)
  }

  /** A line of dcm's own (header, TIMEOUT, connection lost), prefixed with a dcmanager-style timestamp. */
  note(text: string, date = new Date()): void {
    this.flush()
    this.writeRaw(`${logTimestamp(date)} ${text}\n`)
  }

  flush(): void {
    if (this.partial !== '') {
      this.writeRaw(this.partial + '\n')
      this.partial = ''
    }
  }

  close(): void {
    if (this.fd === undefined) return
    this.flush()
    closeSync(this.fd)
    this.fd = undefined
  }

  private writeRaw(text: string): void {
    if (this.fd === undefined) return
    writeSync(this.fd, redact(text))
  }
}
