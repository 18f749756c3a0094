import {afterAll, beforeAll, describe, expect, it} from '@jest/globals'
import {execFileSync} from 'node:child_process'
import {
  chmodSync,
  chownSync,
  linkSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {
  appendPrivateFileSync,
  ensurePrivateDir,
  openPrivateFile,
  readTrustedFileSync,
  UnsafeFileError,
  writePrivateFileAtomic,
  writePrivateFileAtomicSync,
} from '../../src/core/files/private-file.js'
import {saveTaskEstimate} from '../../src/core/bootstrap/task-estimate.js'
import {BootstrapLog} from '../../src/core/bootstrap/log-file.js'
import {recordHostKey} from '../../src/core/ssh/known-hosts.js'
import {addToRecord} from '../../src/core/netconfig/undo-record.js'
import {LoggingExecutor} from '../../src/core/netconfig/logging-executor.js'
import {closeSync} from 'node:fs'

/**
 * The one module every file write goes through (core/files/private-file), and each writer built on it, against
 * what another user can plant in a directory dcm (as root) writes into: a symlink to a file that must not change,
 * a FIFO, a hard link, a file owned by someone else. The victim file must keep its content and mode.
 */
const root = process.getuid?.() === 0
const NOBODY = 65534

describe('files dcm writes refuse planted files', () => {
  let dir: string
  let victim: string
  const victimText = 'precious\n'

  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'dcm-faults-files-'))
    victim = path.join(dir, 'victim')
  })
  afterAll(() => rmSync(dir, {recursive: true, force: true}))

  const fresh = (name: string) => {
    writeFileSync(victim, victimText, {mode: 0o644})
    chmodSync(victim, 0o644)
    const file = path.join(dir, name)
    rmSync(file, {force: true, recursive: true})
    return file
  }
  const victimUntouched = () => {
    expect(readFileSync(victim, 'utf8')).toBe(victimText)
    expect(statSync(victim).mode & 0o777).toBe(0o644)
  }
  const planted = (name: string, kind: 'symlink' | 'fifo' | 'hardlink' | 'foreign' | 'dir') => {
    const file = fresh(name)
    if (kind === 'symlink') symlinkSync(victim, file)
    if (kind === 'fifo') execFileSync('mkfifo', [file])
    if (kind === 'hardlink') linkSync(victim, file)
    if (kind === 'dir') mkdirSync(file)
    if (kind === 'foreign') {
      writeFileSync(file, 'theirs\n', {mode: 0o666})
      chownSync(file, NOBODY, NOBODY)
    }
    return file
  }
  const kinds = ['symlink', 'fifo', 'hardlink', 'dir', ...(root ? ['foreign' as const] : [])] as const

  it.each(kinds)('append refuses a planted %s with one line naming the file', (kind) => {
    const file = planted(`append-${kind}`, kind)
    const error = (() => {
      try {
        appendPrivateFileSync(file, 'line\n')
      } catch (caught) {
        return caught
      }
    })() as Error
    expect(error).toBeInstanceOf(UnsafeFileError)
    expect(error.message).toContain(file)
    expect(error.message).not.toContain('\n')
    victimUntouched()
  })

  it('atomic replace of a hard link replaces the name only: the other file keeps its content', async () => {
    const file = planted('atomic-hardlink', 'hardlink')
    await writePrivateFileAtomic(file, 'new\n')
    expect(readFileSync(file, 'utf8')).toBe('new\n')
    victimUntouched()
  })

  it.each(['symlink', 'fifo', 'dir'] as const)(
    'atomic replace refuses a planted %s and leaves no temporary file',
    async (kind) => {
      const file = planted(`atomic-${kind}`, kind)
      await expect(writePrivateFileAtomic(file, 'new\n')).rejects.toBeInstanceOf(UnsafeFileError)
      expect(() => writePrivateFileAtomicSync(file, 'new\n')).toThrow(UnsafeFileError)
      victimUntouched()
      expect(
        execFileSync('ls', ['-a', dir], {encoding: 'utf8'})
          .split('\n')
          .filter((name) => name.endsWith('.tmp')),
      ).toEqual([])
    },
  )

  it('creates 0600 whatever the umask, and tightens an existing file of ours to 0600', async () => {
    const previous = process.umask(0)
    try {
      const file = fresh('created')
      appendPrivateFileSync(file, 'a\n')
      expect(statSync(file).mode & 0o777).toBe(0o600)
      chmodSync(file, 0o644)
      appendPrivateFileSync(file, 'b\n')
      expect(statSync(file).mode & 0o777).toBe(0o600)
      expect(readFileSync(file, 'utf8')).toBe('a\nb\n')
      const atomic = fresh('atomic-created')
      await writePrivateFileAtomic(atomic, 'x')
      expect(statSync(atomic).mode & 0o777).toBe(0o600)
    } finally {
      process.umask(previous)
    }
  })

  it('truncate checks before it empties: a foreign or linked file keeps its content', () => {
    const file = planted('truncate-hardlink', 'hardlink')
    expect(() => openPrivateFile(file, 'truncate')).toThrow(UnsafeFileError)
    victimUntouched()
  })

  it('reading trust files refuses links, loose modes and other owners', () => {
    const link = planted('read-link', 'symlink')
    expect(() => readTrustedFileSync(link)).toThrow(/symbolic link/)
    const loose = fresh('read-loose')
    writeFileSync(loose, 'x', {mode: 0o644})
    chmodSync(loose, 0o644)
    expect(() => readTrustedFileSync(loose, {private: true})).toThrow(/mode 0644/)
    expect(readTrustedFileSync(loose)).toBe('x')
    expect(readTrustedFileSync(path.join(dir, 'absent'))).toBeUndefined()
    if (root) expect(() => readTrustedFileSync(planted('read-foreign', 'foreign'))).toThrow(/owned by uid 65534/)
  })

  it('private dirs: created 0700, a readable one of ours tightened, a writable or foreign one refused', () => {
    const created = path.join(dir, 'private', 'nested')
    ensurePrivateDir(created, {what: 'a test dir'})
    expect(statSync(created).mode & 0o777).toBe(0o700)
    chmodSync(created, 0o755)
    ensurePrivateDir(created, {what: 'a test dir'})
    expect(statSync(created).mode & 0o777).toBe(0o700)
    chmodSync(created, 0o777)
    expect(() => ensurePrivateDir(created, {what: 'a test dir'})).toThrow(
      `refusing to use ${created}: a test dir is writable by group or others (mode 0777)`,
    )
    chmodSync(created, 0o700)
    if (root) {
      chownSync(created, 12345, 12345)
      expect(() => ensurePrivateDir(created, {what: 'a test dir'})).toThrow(/owned by uid 12345/)
    }
  })

  // Each writer, through its public entry point.
  it('config-management log: a planted symlink is refused, not appended to or chmodded', () => {
    const file = planted('cm.log', 'symlink')
    const inner = {where: 'test', run: async () => ({code: 0, stdout: '', stderr: ''})}
    expect(() => new LoggingExecutor(inner, file)).toThrow(`refusing to use ${file}: it is a symbolic link`)
    victimUntouched()
  })

  it('known_hosts: a planted symlink is refused', () => {
    const file = planted('known_hosts', 'symlink')
    const key = {type: 'ssh-ed25519', blob: Buffer.from('key')}
    expect(() => recordHostKey(file, 'host', key as never)).toThrow(UnsafeFileError)
    victimUntouched()
  })

  it('undo record: a planted symlink is refused', async () => {
    const file = planted('record.json', 'symlink')
    const step = {kind: 'address', description: 'd', argv: ['ip'], undo: ['ip'], effect: {type: 'address'}}
    await expect(addToRecord(file, 'test', [step as never])).rejects.toBeInstanceOf(UnsafeFileError)
    victimUntouched()
  })

  it('task estimates (best effort): a planted symlink is left alone', () => {
    const file = planted('estimates.json', 'symlink')
    saveTaskEstimate('playbook.yml', 12, file)
    victimUntouched()
    expect(lstatSync(file).isSymbolicLink()).toBe(true)
  })

  it('bootstrap log: created exclusively, a planted name is skipped, never followed', () => {
    const logDir = path.join(dir, 'logs')
    mkdirSync(logDir, {recursive: true, mode: 0o700})
    const now = new Date(2026, 0, 2, 3, 4, 5)
    const first = BootstrapLog.create('sc1', logDir, now)
    first.close()
    rmSync(first.path)
    symlinkSync(victim, first.path)
    const log = BootstrapLog.create('sc1', logDir, now)
    log.note('hello')
    log.close()
    expect(log.path).not.toBe(first.path)
    expect(statSync(log.path).mode & 0o777).toBe(0o600)
    victimUntouched()
  })

  it('an exclusive open of a planted symlink fails as existing (O_EXCL never follows)', () => {
    const file = planted('exclusive', 'symlink')
    expect(() => closeSync(openPrivateFile(file, 'exclusive'))).toThrow(/EEXIST/)
    victimUntouched()
  })
})
