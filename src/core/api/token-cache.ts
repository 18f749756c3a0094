import {createHash} from 'node:crypto'
import {lstatSync, promises as fs} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {ensurePrivateDir, readTrustedFileSync, UnsafeFileError, writePrivateFileAtomic} from '../files/private-file.js'
import type {CatalogEntry} from './catalog.js'

/**
 * A private on-disk cache of Keystone tokens, so that a script running twenty dcm commands authenticates
 * once (dcmanager-api.md §1.2 does the same with the kernel keyring). One 0600 file per auth URL + user +
 * scope in a 0700 directory; an entry is used only while it has more than 10 s left.
 *
 * A cached entry decides where dcm sends the sysadmin password next (its catalog), so it is trusted only
 * when nobody else could have written it: the directories must be ours and not writable by group or others
 * (refused with an error, as OpenSSH refuses a loose ~/.ssh), and an entry must be a private regular file of
 * ours that names the auth URL, user and project it was made for and carries an expiry; any other entry is
 * ignored and replaced. Other failures to read or write are ignored: the cache is an optimisation.
 */
export interface CachedAuth {
  token: string
  expiresAt: string
  projectId: string
  userId: string
  catalog: CatalogEntry[]
}

/** What is on disk: the entry and the identity it was made for. */
interface StoredEntry extends CachedAuth {
  for: string[]
}

export interface CacheKey {
  authUrl: string
  username?: string
  userId?: string
  userDomain?: string
  projectName?: string
  projectId?: string
  projectDomain?: string
}

/** Tokens with less than this left are treated as expired (the client's rule: expires_at - (now + 10 s)). */
export const EXPIRY_MARGIN_MS = 10_000

export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.DCM_CACHE_DIR) return env.DCM_CACHE_DIR
  const base = env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache')
  return path.join(base, 'dcm')
}

function identityOf(key: CacheKey): string[] {
  return [
    key.authUrl.replace(/\/+$/, ''),
    key.username ?? '',
    key.userId ?? '',
    key.userDomain ?? '',
    key.projectName ?? '',
    key.projectId ?? '',
    key.projectDomain ?? '',
  ]
}

export class TokenCache {
  constructor(
    private readonly dir: string = defaultCacheDir(),
    private readonly now: () => number = Date.now,
  ) {}

  fileFor(key: CacheKey): string {
    const identity = JSON.stringify(identityOf(key))
    return path.join(this.dir, 'tokens', `${createHash('sha256').update(identity).digest('hex').slice(0, 32)}.json`)
  }

  async get(key: CacheKey): Promise<CachedAuth | undefined> {
    this.ensureDirs()
    let entry: StoredEntry
    try {
      const text = readTrustedFileSync(this.fileFor(key), {private: true})
      if (text === undefined) return undefined
      entry = JSON.parse(text) as StoredEntry
    } catch {
      // Unreadable, not ours, loose or not JSON: ignored, and replaced by the next put.
      return undefined
    }
    if (!isUsable(entry, identityOf(key), this.now())) return undefined
    const {for: _identity, ...auth} = entry
    return auth
  }

  async put(key: CacheKey, entry: CachedAuth): Promise<void> {
    // An entry without a known expiry would be fresh forever: not cached.
    if (Number.isNaN(parseKeystoneTime(entry.expiresAt ?? ''))) return
    this.ensureDirs()
    const file = this.fileFor(key)
    try {
      // A planted link or foreign file in our own directory is removed (unlink never follows), then replaced.
      if (!isOwnRegularFile(file)) await fs.rm(file, {force: true, recursive: true})
      const stored: StoredEntry = {...entry, for: identityOf(key)}
      await writePrivateFileAtomic(file, JSON.stringify(stored))
    } catch {
      // An unwritable cache dir only costs a Keystone round trip next time.
    }
  }

  async delete(key: CacheKey): Promise<void> {
    await fs.rm(this.fileFor(key), {force: true}).catch(() => undefined)
  }

  /** Create both directories 0700, or refuse ones others could have written (UnsafeFileError, exit 1). */
  private ensureDirs(): void {
    const hint = `set DCM_CACHE_DIR to a directory of your own, or pass --no-cache`
    for (const dir of [this.dir, path.join(this.dir, 'tokens')]) {
      try {
        ensurePrivateDir(dir, {what: 'the token cache directory', hint})
      } catch (error) {
        if (error instanceof UnsafeFileError) throw error
        // Cannot create it (read-only home): the cache simply stays empty.
      }
    }
  }
}

function isOwnRegularFile(file: string): boolean {
  try {
    const stats = lstatSync(file)
    return stats.isFile() && stats.nlink === 1 && stats.uid === (process.geteuid?.() ?? stats.uid)
  } catch {
    return true
  }
}

function isUsable(entry: StoredEntry, identity: string[], now: number): boolean {
  if (!entry || typeof entry.token !== 'string' || !entry.token) return false
  if (!Array.isArray(entry.for) || JSON.stringify(entry.for) !== JSON.stringify(identity)) return false
  if (typeof entry.expiresAt !== 'string' || Number.isNaN(parseKeystoneTime(entry.expiresAt))) return false
  return isFresh(entry.expiresAt, now) && Array.isArray(entry.catalog)
}

export function isFresh(expiresAt: string | undefined, now: number): boolean {
  if (!expiresAt) return true
  const expires = parseKeystoneTime(expiresAt)
  return Number.isNaN(expires) || expires - now > EXPIRY_MARGIN_MS
}

/** Keystone writes `2026-01-01T12:00:00.000000Z`: microseconds, which Date.parse may reject. */
export function parseKeystoneTime(text: string): number {
  const normalised = text.replace(/(\.\d{3})\d+/, '$1')
  return Date.parse(/[zZ]|[+-]\d\d:?\d\d$/.test(normalised) ? normalised : `${normalised}Z`)
}
