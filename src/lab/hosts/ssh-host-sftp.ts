import path from 'node:path'

import type {Attributes, SFTPWrapper} from 'ssh2'

import {type HostFs, HostFsError} from './ssh-host-fs.js'
import {type HostMachine, SYSADMIN_HOME} from './ssh-host-machine.js'

/**
 * The SFTP subsystem of a simulated controller-0, over the host's in-memory files, with the permissions
 * sysadmin has on a real controller (write below $HOME and /tmp only). It serves what an upload needs
 * (realpath, open/write/fchmod/close, stat, mkdir, rename, remove, readdir, read).
 */
const STATUS = {OK: 0, EOF: 1, NO_SUCH_FILE: 2, PERMISSION_DENIED: 3, FAILURE: 4, OP_UNSUPPORTED: 8} as const
const OPEN = {READ: 0x1, WRITE: 0x2, APPEND: 0x4, CREAT: 0x8, TRUNC: 0x10, EXCL: 0x20} as const
const S_IFREG = 0o100000
const S_IFDIR = 0o040000

interface OpenFile {
  kind: 'file'
  path: string
  flags: number
}
interface OpenDir {
  kind: 'dir'
  path: string
  done: boolean
}

/** One SFTP session's state: its open handles, over the machine's files, as sysadmin. */
class SftpSession {
  private readonly handles = new Map<number, OpenFile | OpenDir>()
  private nextHandle = 1

  constructor(
    readonly sftp: SFTPWrapper,
    readonly fs: HostFs,
  ) {}

  resolve(file: string): string {
    return path.posix.resolve(SYSADMIN_HOME, file)
  }

  writable(file: string): boolean {
    return [SYSADMIN_HOME, '/tmp'].some((dir) => file === dir || file.startsWith(dir + '/'))
  }

  newHandle(entry: OpenFile | OpenDir): Buffer {
    const id = this.nextHandle++
    this.handles.set(id, entry)
    const buffer = Buffer.alloc(4)
    buffer.writeUInt32BE(id)
    return buffer
  }

  lookup(handle: Buffer): OpenFile | OpenDir | undefined {
    return handle.length === 4 ? this.handles.get(handle.readUInt32BE(0)) : undefined
  }

  forget(handle: Buffer): boolean {
    return handle.length === 4 && this.handles.delete(handle.readUInt32BE(0))
  }

  attrsOf(file: string): Attributes | undefined {
    const entry = this.fs.stat(file)
    if (!entry) return undefined
    const time = Math.floor(entry.mtime.getTime() / 1000)
    return {
      mode: (entry.type === 'dir' ? S_IFDIR : S_IFREG) | entry.mode,
      uid: 42425,
      gid: 751,
      size: entry.data.length,
      atime: time,
      mtime: time,
    }
  }

  fail(reqid: number, error: unknown): void {
    if (error instanceof HostFsError) {
      this.sftp.status(reqid, error.code === 'ENOENT' ? STATUS.NO_SUCH_FILE : STATUS.FAILURE, error.message)
    } else this.sftp.status(reqid, STATUS.FAILURE, error instanceof Error ? error.message : String(error))
  }

  denied(reqid: number): void {
    this.sftp.status(reqid, STATUS.PERMISSION_DENIED, 'Permission denied')
  }

  /** Run a change; answer OK, or the failure it threw. */
  attempt(reqid: number, change: () => void): void {
    try {
      change()
      this.sftp.status(reqid, STATUS.OK)
    } catch (error) {
      this.fail(reqid, error)
    }
  }
}

function stat(session: SftpSession, reqid: number, file: string): void {
  const attrs = session.attrsOf(session.resolve(file))
  if (attrs) session.sftp.attrs(reqid, attrs)
  else session.sftp.status(reqid, STATUS.NO_SUCH_FILE, 'No such file')
}

function setstat(session: SftpSession, reqid: number, file: string | undefined, attrs: Attributes): void {
  const {fs, sftp} = session
  if (!file || !fs.exists(file)) return sftp.status(reqid, STATUS.NO_SUCH_FILE, 'No such file')
  if (!session.writable(file)) return session.denied(reqid)
  if (typeof attrs.mode === 'number') fs.chmod(file, attrs.mode & 0o7777)
  if (typeof attrs.size === 'number') {
    const data = fs.readFile(file)
    fs.writeFile(
      file,
      attrs.size <= data.length
        ? data.subarray(0, attrs.size)
        : Buffer.concat([data, Buffer.alloc(attrs.size - data.length)]),
    )
  }
  sftp.status(reqid, STATUS.OK)
}

function remove(session: SftpSession, reqid: number, file: string): void {
  const target = session.resolve(file)
  if (!session.writable(target)) return session.denied(reqid)
  session.attempt(reqid, () => session.fs.remove(target))
}

function unsupported(session: SftpSession, reqid: number): void {
  session.sftp.status(reqid, STATUS.OP_UNSUPPORTED)
}

/** What the subsystem answers to each request, by ssh2's event name; anything else is ssh2's default. */
const SFTP_HANDLERS = {
  REALPATH(session: SftpSession, reqid: number, file: string) {
    const target = session.resolve(file)
    session.sftp.name(reqid, [
      {filename: target, longname: target, attrs: session.attrsOf(target) ?? ({} as Attributes)},
    ])
  },
  STAT: stat,
  LSTAT: stat,
  FSTAT(session: SftpSession, reqid: number, handle: Buffer) {
    const open = session.lookup(handle)
    const attrs = open && session.attrsOf(open.path)
    if (attrs) session.sftp.attrs(reqid, attrs)
    else session.sftp.status(reqid, STATUS.FAILURE, 'Bad handle')
  },
  OPEN(session: SftpSession, reqid: number, filename: string, flags: number, attrs: Attributes | undefined) {
    const {fs, sftp} = session
    const file = session.resolve(filename)
    try {
      const entry = fs.stat(file)
      if (flags & OPEN.WRITE) {
        if (!session.writable(file)) return session.denied(reqid)
        if (entry && flags & OPEN.EXCL && flags & OPEN.CREAT) return sftp.status(reqid, STATUS.FAILURE, 'File exists')
        if (!entry && !(flags & OPEN.CREAT)) return sftp.status(reqid, STATUS.NO_SUCH_FILE, 'No such file')
        if (!entry || flags & OPEN.TRUNC) {
          const mode = typeof attrs?.mode === 'number' ? attrs.mode & 0o7777 : 0o644
          fs.writeFile(file, Buffer.alloc(0), {mode})
        }
      } else if (!entry) return sftp.status(reqid, STATUS.NO_SUCH_FILE, 'No such file')
      sftp.handle(reqid, session.newHandle({kind: 'file', path: file, flags}))
    } catch (error) {
      session.fail(reqid, error)
    }
  },
  WRITE(session: SftpSession, reqid: number, handle: Buffer, offset: number, data: Buffer) {
    const open = session.lookup(handle)
    if (open?.kind !== 'file' || !(open.flags & OPEN.WRITE)) {
      return session.sftp.status(reqid, STATUS.FAILURE, 'Bad handle')
    }
    session.attempt(reqid, () => {
      const current = session.fs.readFile(open.path)
      const start = open.flags & OPEN.APPEND ? current.length : offset
      const next = Buffer.alloc(Math.max(current.length, start + data.length))
      current.copy(next)
      data.copy(next, start)
      session.fs.writeFile(open.path, next)
    })
  },
  READ(session: SftpSession, reqid: number, handle: Buffer, offset: number, length: number) {
    const open = session.lookup(handle)
    if (open?.kind !== 'file') return session.sftp.status(reqid, STATUS.FAILURE, 'Bad handle')
    try {
      const data = session.fs.readFile(open.path)
      if (offset >= data.length) return session.sftp.status(reqid, STATUS.EOF)
      session.sftp.data(reqid, data.subarray(offset, offset + length))
    } catch (error) {
      session.fail(reqid, error)
    }
  },
  FSETSTAT(session: SftpSession, reqid: number, handle: Buffer, attrs: Attributes) {
    setstat(session, reqid, session.lookup(handle)?.path, attrs)
  },
  SETSTAT(session: SftpSession, reqid: number, file: string, attrs: Attributes) {
    setstat(session, reqid, session.resolve(file), attrs)
  },
  CLOSE(session: SftpSession, reqid: number, handle: Buffer) {
    session.sftp.status(reqid, session.forget(handle) ? STATUS.OK : STATUS.FAILURE)
  },
  MKDIR(session: SftpSession, reqid: number, dir: string, attrs: Attributes | undefined) {
    const target = session.resolve(dir)
    if (!session.writable(target)) return session.denied(reqid)
    session.attempt(reqid, () =>
      session.fs.mkdir(target, {mode: typeof attrs?.mode === 'number' ? attrs.mode & 0o7777 : 0o755}),
    )
  },
  REMOVE: remove,
  RMDIR: remove,
  RENAME(session: SftpSession, reqid: number, from: string, to: string) {
    const [source, target] = [session.resolve(from), session.resolve(to)]
    if (!session.writable(source) || !session.writable(target)) return session.denied(reqid)
    session.attempt(reqid, () => session.fs.rename(source, target))
  },
  OPENDIR(session: SftpSession, reqid: number, dir: string) {
    const target = session.resolve(dir)
    if (session.fs.stat(target)?.type !== 'dir') {
      return session.sftp.status(reqid, STATUS.NO_SUCH_FILE, 'No such directory')
    }
    session.sftp.handle(reqid, session.newHandle({kind: 'dir', path: target, done: false}))
  },
  READDIR(session: SftpSession, reqid: number, handle: Buffer) {
    const open = session.lookup(handle)
    if (open?.kind !== 'dir') return session.sftp.status(reqid, STATUS.FAILURE, 'Bad handle')
    if (open.done) return session.sftp.status(reqid, STATUS.EOF)
    open.done = true
    session.sftp.name(
      reqid,
      session.fs.list(open.path).map((name) => {
        const full = path.posix.join(open.path, name)
        return {filename: name, longname: name, attrs: session.attrsOf(full)!}
      }),
    )
  },
  READLINK: unsupported,
  SYMLINK: unsupported,
}

type SftpHandler = (session: SftpSession, ...args: never[]) => void

export function serveSftp(sftp: SFTPWrapper, machine: HostMachine): void {
  const session = new SftpSession(sftp, machine.fs)
  // ssh2 types `on` per event name; each handler takes its event's arguments after the session.
  const on = sftp.on.bind(sftp) as (event: string, listener: (...args: never[]) => void) => unknown
  const handlers: Array<[string, SftpHandler]> = Object.entries(SFTP_HANDLERS)
  for (const [event, handler] of handlers) on(event, (...args) => handler(session, ...args))
}
