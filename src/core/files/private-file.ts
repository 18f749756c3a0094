import {
  closeSync,
  constants,
  fchmodSync,
  fstatSync,
  ftruncateSync,
  lstatSync,
  mkdirSync,
  openSync,
  promises as fs,
  readFileSync,
  renameSync,
  type Stats,
  statSync,
  chmodSync,
  unlinkSync,
  writeSync,
  fsyncSync,
} from 'node:fs'
import path from 'node:path'

import {OperationError} from '../errors.js'
import {randomHex} from '../random-hex.js'

/**
 * The one way dcm and its lab write files (logs, token cache, undo journal, lab state, keys, ssh_config).
 * dcm often runs as root in directories others can write (/tmp, a shared log dir), so every write:
 * - opens without following a final symlink (O_NOFOLLOW), and without blocking on a planted FIFO;
 * - checks the opened file by its descriptor (fstat), not by its name, so nothing can be swapped in between:
 *   it must be a regular file with one link (a hard link to /etc/shadow is refused) owned by us;
 * - sets 0600 (or the mode asked) with fchmod on that descriptor;
 * - replaces whole files through an exclusive temporary sibling and rename(2), which never follows a symlink.
 * Anything else is refused with one line naming the file.
 */

export class UnsafeFileError extends OperationError {}

const WRITE_FLAGS = constants.O_WRONLY | constants.O_CREAT | constants.O_NOFOLLOW | constants.O_NONBLOCK
const READ_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK

function euid(): number {
  return typeof process.geteuid === 'function' ? process.geteuid() : -1
}

function refuse(file: string, why: string, hint?: string): UnsafeFileError {
  return new UnsafeFileError(`refusing to use ${file}: ${why}`, {
    hint: hint ?? 'remove it (files dcm writes must be regular files of the user running dcm)',
  })
}

/** Why an open(2) with O_NOFOLLOW|O_NONBLOCK failed, as the reader should see it; undefined for other errors. */
function openRefusal(file: string, error: unknown): UnsafeFileError | undefined {
  const code = (error as NodeJS.ErrnoException).code
  if (code === 'ELOOP') return refuse(file, 'it is a symbolic link')
  if (code === 'ENXIO' || code === 'EISDIR' || code === 'ENODEV') return refuse(file, 'it is not a regular file')
  return undefined
}

function kindOf(stats: Stats): string {
  if (stats.isSymbolicLink()) return 'a symbolic link'
  if (stats.isDirectory()) return 'a directory'
  if (stats.isFIFO()) return 'a FIFO'
  if (stats.isSocket()) return 'a socket'
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device'
  return 'not a regular file'
}

/** The checks every descriptor dcm writes through (or trusts) must pass. */
function checkOpened(file: string, fd: number, options: {private?: boolean} = {}): Stats {
  const stats = fstatSync(fd)
  if (!stats.isFile()) throw refuse(file, `it is ${kindOf(stats)}`)
  if (stats.nlink > 1) throw refuse(file, `it has ${stats.nlink} hard links`)
  const me = euid()
  if (me >= 0 && stats.uid !== me) throw refuse(file, `it is owned by uid ${stats.uid}, not by uid ${me}`)
  if (options.private && (stats.mode & 0o077) !== 0) {
    throw refuse(file, `others may read or write it (mode ${(stats.mode & 0o777).toString(8).padStart(4, '0')})`)
  }
  return stats
}

function withRefusal<T>(file: string, open: () => T): T {
  try {
    return open()
  } catch (error) {
    throw openRefusal(file, error) ?? error
  }
}

export type OpenMode = 'append' | 'truncate' | 'exclusive'

/**
 * Open a file for writing, safely (see the module comment), and return its descriptor. `append` keeps what
 * is there, `truncate` empties it (only after the checks), `exclusive` fails with EEXIST if it exists.
 */
export function openPrivateFile(file: string, how: OpenMode, mode = 0o600): number {
  const flags = WRITE_FLAGS | (how === 'append' ? constants.O_APPEND : 0) | (how === 'exclusive' ? constants.O_EXCL : 0)
  const fd = withRefusal(file, () => openSync(file, flags, mode))
  try {
    checkOpened(file, fd)
    fchmodSync(fd, mode)
    if (how === 'truncate') ftruncateSync(fd, 0)
    return fd
  } catch (error) {
    closeSync(fd)
    throw error
  }
}

/** Append text to a file, creating it 0600; for one-off lines (a long-lived log keeps the descriptor). */
export function appendPrivateFileSync(file: string, data: string | Buffer, mode = 0o600): void {
  const fd = openPrivateFile(file, 'append', mode)
  try {
    writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data)
  } finally {
    closeSync(fd)
  }
}

function temporarySibling(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${randomHex(6)}.tmp`)
}

/** A target that exists must be a regular file: a planted symlink, FIFO or directory is refused, not replaced. */
function checkReplaceable(file: string, stats: Stats | undefined): void {
  if (stats && !stats.isFile()) throw refuse(file, `it is ${kindOf(stats)}`)
}

async function lstatIfExists(file: string): Promise<Stats | undefined> {
  try {
    return await fs.lstat(file)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
}

/**
 * Replace a file's content so that readers (and a restart after `kill -9`) see the old or the new content,
 * never a torn one: an exclusive 0600 temporary sibling, fsync, rename over the target, fsync the directory.
 */
export async function writePrivateFileAtomic(file: string, data: string | Buffer, mode = 0o600): Promise<void> {
  checkReplaceable(file, await lstatIfExists(file))
  const temporary = temporarySibling(file)
  let handle: fs.FileHandle
  try {
    handle = await fs.open(temporary, WRITE_FLAGS | constants.O_EXCL, mode)
  } catch (error) {
    throw openRefusal(temporary, error) ?? error
  }
  try {
    await handle.chmod(mode)
    await handle.writeFile(data)
    await handle.sync()
  } catch (error) {
    await handle.close()
    await fs.rm(temporary, {force: true})
    throw error
  }
  await handle.close()
  try {
    await fs.rename(temporary, file)
  } catch (error) {
    await fs.rm(temporary, {force: true})
    throw error
  }
  syncDirectory(path.dirname(file))
}

/** The synchronous twin of writePrivateFileAtomic, for code that cannot await (a sync constructor). */
export function writePrivateFileAtomicSync(file: string, data: string | Buffer, mode = 0o600): void {
  let stats: Stats | undefined
  try {
    stats = lstatSync(file)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
  checkReplaceable(file, stats)
  const temporary = temporarySibling(file)
  const fd = withRefusal(temporary, () => openSync(temporary, WRITE_FLAGS | constants.O_EXCL, mode))
  try {
    fchmodSync(fd, mode)
    writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data)
    fsyncSync(fd)
    closeSync(fd)
    renameSync(temporary, file)
  } catch (error) {
    try {
      closeSync(fd)
    } catch {
      // already closed
    }
    try {
      unlinkSync(temporary)
    } catch {
      // never created or already renamed
    }
    throw error
  }
  syncDirectory(path.dirname(file))
}

function syncDirectory(dir: string): void {
  const fd = openSync(dir, constants.O_RDONLY | constants.O_DIRECTORY)
  try {
    fsyncSync(fd)
  } catch {
    // Some file systems refuse fsync on a directory; the rename itself is still atomic.
  } finally {
    closeSync(fd)
  }
}

/**
 * Read a file dcm wrote, refusing one it cannot trust: a symlink, not a regular file, owned by someone else,
 * or (with `private`) readable or writable by others. undefined when it does not exist.
 */
export function readTrustedFileSync(file: string, options: {private?: boolean} = {}): string | undefined {
  let fd: number
  try {
    fd = withRefusal(file, () => openSync(file, READ_FLAGS))
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
  try {
    checkOpened(file, fd, options)
    return readFileSync(fd, 'utf8')
  } finally {
    closeSync(fd)
  }
}

export interface PrivateDirOptions {
  /** What the directory is, for the error ("the token cache directory"). */
  what: string
  /** What to do about a refused directory. */
  hint?: string
}

/**
 * Create a directory 0700 (with its missing parents), or check an existing one as OpenSSH checks ~/.ssh:
 * it must be a directory owned by us (or root) that neither group nor others can write, since whoever can
 * write it can plant the files dcm trusts there. One we own that others can only read is tightened to 0700.
 */
export function ensurePrivateDir(dir: string, options: PrivateDirOptions): void {
  mkdirSync(dir, {recursive: true, mode: 0o700})
  const stats = statSync(dir)
  const hint = options.hint ?? `use a directory of your own, or: chown "$(id -un)" ${dir} && chmod 700 ${dir}`
  if (!stats.isDirectory()) throw refuse(dir, `${options.what} is not a directory`, hint)
  const me = euid()
  if (me >= 0 && stats.uid !== me && stats.uid !== 0) {
    throw refuse(dir, `${options.what} is owned by uid ${stats.uid}, not by uid ${me}`, hint)
  }
  if ((stats.mode & 0o022) !== 0) {
    const mode = (stats.mode & 0o777).toString(8).padStart(4, '0')
    throw refuse(dir, `${options.what} is writable by group or others (mode ${mode})`, hint)
  }
  if ((stats.mode & 0o077) !== 0 && stats.uid === me) chmodSync(dir, 0o700)
}

export async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  await writePrivateFileAtomic(file, JSON.stringify(value, null, 2) + '\n')
}

/** Parse a JSON file dcm wrote (see readTrustedFileSync); undefined when it does not exist. */
export async function readJsonIfExists<T>(file: string): Promise<T | undefined> {
  const text = readTrustedFileSync(file)
  return text === undefined ? undefined : (JSON.parse(text) as T)
}
