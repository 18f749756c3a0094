import path from 'node:path'

import type {Attributes, SFTPWrapper} from 'ssh2'

import {HostFsError} from './ssh-host-fs.js'
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

export function serveSftp(sftp: SFTPWrapper, machine: HostMachine): void {
  const fs = machine.fs
  const handles = new Map<number, OpenFile | OpenDir>()
  let nextHandle = 1
  const resolve = (file: string) => path.posix.resolve(SYSADMIN_HOME, file)
  const writable = (file: string) => [SYSADMIN_HOME, '/tmp'].some((dir) => file === dir || file.startsWith(dir + '/'))
  const newHandle = (entry: OpenFile | OpenDir) => {
    const id = nextHandle++
    handles.set(id, entry)
    const buffer = Buffer.alloc(4)
    buffer.writeUInt32BE(id)
    return buffer
  }
  const lookup = (handle: Buffer) => (handle.length === 4 ? handles.get(handle.readUInt32BE(0)) : undefined)
  const attrsOf = (file: string): Attributes | undefined => {
    const entry = fs.stat(file)
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
  const fail = (reqid: number, error: unknown) => {
    if (error instanceof HostFsError) {
      sftp.status(reqid, error.code === 'ENOENT' ? STATUS.NO_SUCH_FILE : STATUS.FAILURE, error.message)
    } else sftp.status(reqid, STATUS.FAILURE, error instanceof Error ? error.message : String(error))
  }
  const denied = (reqid: number) => sftp.status(reqid, STATUS.PERMISSION_DENIED, 'Permission denied')

  sftp.on('REALPATH', (reqid, file) => {
    const target = resolve(file)
    sftp.name(reqid, [{filename: target, longname: target, attrs: attrsOf(target) ?? ({} as Attributes)}])
  })
  const stat = (reqid: number, file: string) => {
    const attrs = attrsOf(resolve(file))
    if (attrs) sftp.attrs(reqid, attrs)
    else sftp.status(reqid, STATUS.NO_SUCH_FILE, 'No such file')
  }
  sftp.on('STAT', stat)
  sftp.on('LSTAT', stat)
  sftp.on('FSTAT', (reqid, handle) => {
    const open = lookup(handle)
    const attrs = open && attrsOf(open.path)
    if (attrs) sftp.attrs(reqid, attrs)
    else sftp.status(reqid, STATUS.FAILURE, 'Bad handle')
  })
  sftp.on('OPEN', (reqid, filename, flags, attrs) => {
    const file = resolve(filename)
    try {
      const entry = fs.stat(file)
      if (flags & OPEN.WRITE) {
        if (!writable(file)) return denied(reqid)
        if (entry && flags & OPEN.EXCL && flags & OPEN.CREAT) return sftp.status(reqid, STATUS.FAILURE, 'File exists')
        if (!entry && !(flags & OPEN.CREAT)) return sftp.status(reqid, STATUS.NO_SUCH_FILE, 'No such file')
        if (!entry || flags & OPEN.TRUNC) {
          const mode = typeof attrs?.mode === 'number' ? attrs.mode & 0o7777 : 0o644
          fs.writeFile(file, Buffer.alloc(0), {mode})
        }
      } else if (!entry) return sftp.status(reqid, STATUS.NO_SUCH_FILE, 'No such file')
      sftp.handle(reqid, newHandle({kind: 'file', path: file, flags}))
    } catch (error) {
      fail(reqid, error)
    }
  })
  sftp.on('WRITE', (reqid, handle, offset, data) => {
    const open = lookup(handle)
    if (open?.kind !== 'file' || !(open.flags & OPEN.WRITE)) return sftp.status(reqid, STATUS.FAILURE, 'Bad handle')
    try {
      const current = fs.readFile(open.path)
      const start = open.flags & OPEN.APPEND ? current.length : offset
      const next = Buffer.alloc(Math.max(current.length, start + data.length))
      current.copy(next)
      data.copy(next, start)
      fs.writeFile(open.path, next)
      sftp.status(reqid, STATUS.OK)
    } catch (error) {
      fail(reqid, error)
    }
  })
  sftp.on('READ', (reqid, handle, offset, length) => {
    const open = lookup(handle)
    if (open?.kind !== 'file') return sftp.status(reqid, STATUS.FAILURE, 'Bad handle')
    try {
      const data = fs.readFile(open.path)
      if (offset >= data.length) return sftp.status(reqid, STATUS.EOF)
      sftp.data(reqid, data.subarray(offset, offset + length))
    } catch (error) {
      fail(reqid, error)
    }
  })
  const setstat = (reqid: number, file: string | undefined, attrs: Attributes) => {
    if (!file || !fs.exists(file)) return sftp.status(reqid, STATUS.NO_SUCH_FILE, 'No such file')
    if (!writable(file)) return denied(reqid)
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
  sftp.on('FSETSTAT', (reqid, handle, attrs) => setstat(reqid, lookup(handle)?.path, attrs))
  sftp.on('SETSTAT', (reqid, file, attrs) => setstat(reqid, resolve(file), attrs))
  sftp.on('CLOSE', (reqid, handle) => {
    const known = handle.length === 4 && handles.delete(handle.readUInt32BE(0))
    sftp.status(reqid, known ? STATUS.OK : STATUS.FAILURE)
  })
  sftp.on('MKDIR', (reqid, dir, attrs) => {
    const target = resolve(dir)
    if (!writable(target)) return denied(reqid)
    try {
      fs.mkdir(target, {mode: typeof attrs?.mode === 'number' ? attrs.mode & 0o7777 : 0o755})
      sftp.status(reqid, STATUS.OK)
    } catch (error) {
      fail(reqid, error)
    }
  })
  const remove = (reqid: number, file: string) => {
    const target = resolve(file)
    if (!writable(target)) return denied(reqid)
    try {
      fs.remove(target)
      sftp.status(reqid, STATUS.OK)
    } catch (error) {
      fail(reqid, error)
    }
  }
  sftp.on('REMOVE', remove)
  sftp.on('RMDIR', remove)
  sftp.on('RENAME', (reqid, from, to) => {
    const [source, target] = [resolve(from), resolve(to)]
    if (!writable(source) || !writable(target)) return denied(reqid)
    try {
      fs.rename(source, target)
      sftp.status(reqid, STATUS.OK)
    } catch (error) {
      fail(reqid, error)
    }
  })
  sftp.on('OPENDIR', (reqid, dir) => {
    const target = resolve(dir)
    if (fs.stat(target)?.type !== 'dir') return sftp.status(reqid, STATUS.NO_SUCH_FILE, 'No such directory')
    sftp.handle(reqid, newHandle({kind: 'dir', path: target, done: false}))
  })
  sftp.on('READDIR', (reqid, handle) => {
    const open = lookup(handle)
    if (open?.kind !== 'dir') return sftp.status(reqid, STATUS.FAILURE, 'Bad handle')
    if (open.done) return sftp.status(reqid, STATUS.EOF)
    open.done = true
    sftp.name(
      reqid,
      fs.list(open.path).map((name) => {
        const full = path.posix.join(open.path, name)
        return {filename: name, longname: name, attrs: attrsOf(full)!}
      }),
    )
  })
  sftp.on('READLINK', (reqid) => sftp.status(reqid, STATUS.OP_UNSUPPORTED))
  sftp.on('SYMLINK', (reqid) => sftp.status(reqid, STATUS.OP_UNSUPPORTED))
}
