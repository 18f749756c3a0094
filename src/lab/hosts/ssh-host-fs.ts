import path from 'node:path'

/**
 * The file system of a simulated controller-0, kept in memory: override files uploaded for a bootstrap
 * carry passwords, and a lab must never write those to disk. What has to survive a lab restart (the
 * bootstrapped marker, the release) is kept by the host registry instead.
 */
export interface FsEntry {
  type: 'file' | 'dir'
  mode: number
  data: Buffer
  mtime: Date
}

export class HostFsError extends Error {
  constructor(
    readonly code: 'ENOENT' | 'EEXIST' | 'ENOTDIR' | 'EISDIR' | 'ENOTEMPTY',
    readonly file: string,
  ) {
    super(`${file}: ${describe(code)}`)
  }
}

function describe(code: HostFsError['code']): string {
  return {
    ENOENT: 'No such file or directory',
    EEXIST: 'File exists',
    ENOTDIR: 'Not a directory',
    EISDIR: 'Is a directory',
    ENOTEMPTY: 'Directory not empty',
  }[code]
}

export class HostFs {
  private readonly entries = new Map<string, FsEntry>()

  constructor() {
    this.entries.set('/', {type: 'dir', mode: 0o755, data: Buffer.alloc(0), mtime: new Date()})
  }

  static normalize(file: string, cwd = '/'): string {
    return path.posix.resolve(cwd, file)
  }

  stat(file: string): FsEntry | undefined {
    return this.entries.get(HostFs.normalize(file))
  }

  exists(file: string): boolean {
    return this.entries.has(HostFs.normalize(file))
  }

  mkdir(dir: string, options: {recursive?: boolean; mode?: number} = {}): void {
    const target = HostFs.normalize(dir)
    const existing = this.entries.get(target)
    if (existing) {
      if (existing.type === 'dir' && options.recursive) return
      throw new HostFsError(existing.type === 'dir' ? 'EEXIST' : 'ENOTDIR', target)
    }
    const parent = path.posix.dirname(target)
    const parentEntry = this.entries.get(parent)
    if (!parentEntry) {
      if (!options.recursive) throw new HostFsError('ENOENT', target)
      this.mkdir(parent, {recursive: true, mode: 0o755})
    } else if (parentEntry.type !== 'dir') throw new HostFsError('ENOTDIR', parent)
    this.entries.set(target, {type: 'dir', mode: options.mode ?? 0o755, data: Buffer.alloc(0), mtime: new Date()})
  }

  writeFile(file: string, data: Buffer | string, options: {mode?: number; append?: boolean} = {}): void {
    const target = HostFs.normalize(file)
    const parent = this.entries.get(path.posix.dirname(target))
    if (!parent) throw new HostFsError('ENOENT', target)
    if (parent.type !== 'dir') throw new HostFsError('ENOTDIR', path.posix.dirname(target))
    const existing = this.entries.get(target)
    if (existing?.type === 'dir') throw new HostFsError('EISDIR', target)
    const bytes = typeof data === 'string' ? Buffer.from(data) : data
    this.entries.set(target, {
      type: 'file',
      // An existing file keeps its mode on rewrite, as open(O_TRUNC) does.
      mode: existing?.mode ?? options.mode ?? 0o644,
      data: options.append && existing ? Buffer.concat([existing.data, bytes]) : bytes,
      mtime: new Date(),
    })
  }

  readFile(file: string): Buffer {
    const target = HostFs.normalize(file)
    const entry = this.entries.get(target)
    if (!entry) throw new HostFsError('ENOENT', target)
    if (entry.type === 'dir') throw new HostFsError('EISDIR', target)
    return entry.data
  }

  chmod(file: string, mode: number): void {
    const entry = this.entries.get(HostFs.normalize(file))
    if (!entry) throw new HostFsError('ENOENT', HostFs.normalize(file))
    entry.mode = mode
  }

  remove(file: string, options: {recursive?: boolean} = {}): void {
    const target = HostFs.normalize(file)
    const entry = this.entries.get(target)
    if (!entry) throw new HostFsError('ENOENT', target)
    const children = this.list(target)
    if (entry.type === 'dir' && children.length > 0 && !options.recursive) throw new HostFsError('ENOTEMPTY', target)
    for (const key of [...this.entries.keys()])
      if (key === target || key.startsWith(target + '/')) this.entries.delete(key)
  }

  rename(from: string, to: string): void {
    const source = HostFs.normalize(from)
    const entry = this.entries.get(source)
    if (!entry) throw new HostFsError('ENOENT', source)
    const target = HostFs.normalize(to)
    if (!this.entries.has(path.posix.dirname(target))) throw new HostFsError('ENOENT', target)
    this.entries.delete(source)
    this.entries.set(target, entry)
  }

  /** Names directly inside a directory. */
  list(dir: string): string[] {
    const target = HostFs.normalize(dir)
    const prefix = target === '/' ? '/' : target + '/'
    const names: string[] = []
    for (const key of this.entries.keys()) {
      if (key !== target && key.startsWith(prefix) && !key.slice(prefix.length).includes('/'))
        names.push(key.slice(prefix.length))
    }
    return names.sort()
  }
}
