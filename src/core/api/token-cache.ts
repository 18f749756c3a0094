import {lstatSync, promises as fs} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {ensurePrivateDir, readTrustedFileSync, UnsafeFileError, writePrivateFileAtomic} from '../files/private-file.js'
import {sha256Hex} from '../sha256.js'
import type {CatalogEntry, EndpointIndex} from './catalog.js'

/**
 * A private on-disk cache of Keystone tokens, so that a script running twenty dcm commands authenticates
 * once (dcmanager-api.md §1.2 does the same with the kernel keyring). Per auth URL + user + scope, two 0600 files
 * in a 0700 directory: the entry (token, expiry, ids and the endpoint index: the URL a lookup without a region
 * finds, per service type and interface) and, beside it, the catalog. A command that only needs dcmanager reads
 * the entry alone (about 1 KB); the catalog (megabytes on a System Controller with 5,000 subclouds, every one
 * with its endpoints) is read only for a lookup by region. An entry is used only while it has more than 10 s left.
 *
 * A cached entry decides where dcm sends the sysadmin password next (its endpoints), so it is trusted only
 * when nobody else could have written it: the directories must be ours and not writable by group or others
 * (refused with an error, as OpenSSH refuses a loose ~/.ssh), and an entry must be a private regular file of
 * ours that names the auth URL, user and project it was made for and carries an expiry; any other entry is
 * ignored and replaced. The catalog file is held to the same rules and must also name the token it came with.
 * Other failures to read or write are ignored: the cache is an optimisation.
 */
export interface CachedAuth {
  token: string
  expiresAt: string
  projectId: string
  userId: string
  endpoints: EndpointIndex
}

/** What is on disk: the entry and the identity it was made for. */
interface StoredEntry extends CachedAuth {
  for: string[]
}

/** The catalog file: the catalog, the identity and a digest of the token it was issued with. */
interface StoredCatalog {
  for: string[]
  token: string
  catalog: CatalogEntry[]
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
    return path.join(this.dir, 'tokens', `${sha256Hex(identity).slice(0, 32)}.json`)
  }

  /** The catalog file beside an entry. */
  catalogFileFor(key: CacheKey): string {
    return this.fileFor(key).replace(/\.json$/, '.catalog.json')
  }

  async get(key: CacheKey): Promise<CachedAuth | undefined> {
    this.ensureDirs()
    const entry = readTrustedJson<StoredEntry>(this.fileFor(key))
    if (!entry || !isUsable(entry, identityOf(key), this.now())) return undefined
    const {for: _identity, ...auth} = entry
    return auth
  }

  /** The catalog cached with `token`, or undefined when there is none to trust (the caller authenticates again). */
  async getCatalog(key: CacheKey, token: string): Promise<CatalogEntry[] | undefined> {
    const stored = readTrustedJson<StoredCatalog>(this.catalogFileFor(key))
    if (!stored || !Array.isArray(stored.catalog) || !Array.isArray(stored.for)) return undefined
    if (JSON.stringify(stored.for) !== JSON.stringify(identityOf(key)) || stored.token !== tokenDigest(token))
      return undefined
    return stored.catalog
  }

  async put(key: CacheKey, entry: CachedAuth & {catalog: CatalogEntry[]}): Promise<void> {
    // An entry without a known expiry would be fresh forever: not cached.
    if (Number.isNaN(parseKeystoneTime(entry.expiresAt ?? ''))) return
    this.ensureDirs()
    const identity = identityOf(key)
    try {
      // The catalog first: an entry on disk always has its catalog written already.
      const catalog: StoredCatalog = {
        for: identity,
        token: tokenDigest(entry.token),
        catalog: compactCatalog(entry.catalog),
      }
      await writeOwnFile(this.catalogFileFor(key), JSON.stringify(catalog))
      const {catalog: _catalog, ...auth} = entry
      const stored: StoredEntry = {...auth, for: identity}
      await writeOwnFile(this.fileFor(key), JSON.stringify(stored))
    } catch {
      // An unwritable cache dir only costs a Keystone round trip next time.
    }
  }

  async delete(key: CacheKey): Promise<void> {
    await fs.rm(this.fileFor(key), {force: true}).catch(() => undefined)
    await fs.rm(this.catalogFileFor(key), {force: true}).catch(() => undefined)
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

/** A cache file as JSON when it is ours and private; unreadable, not ours, loose or not JSON: undefined. */
function readTrustedJson<T>(file: string): T | undefined {
  try {
    const text = readTrustedFileSync(file, {private: true})
    return text === undefined ? undefined : (JSON.parse(text) as T)
  } catch {
    // Ignored, and replaced by the next put.
    return undefined
  }
}

/** Write a cache file: a planted link or foreign file in our own directory is removed (unlink never follows) first. */
async function writeOwnFile(file: string, text: string): Promise<void> {
  if (!isOwnRegularFile(file)) await fs.rm(file, {force: true, recursive: true})
  await writePrivateFileAtomic(file, text)
}

/** The catalog file names its token by digest: a catalog left from another token is not used with this one. */
function tokenDigest(token: string): string {
  return sha256Hex(token).slice(0, 32)
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
  return isFresh(entry.expiresAt, now) && isEndpointIndex(entry.endpoints)
}

function isEndpointIndex(value: unknown): value is EndpointIndex {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    Object.values(value).every((url) => typeof url === 'string')
  )
}

/**
 * The catalog as endpoint selection reads it: type, name, interface, region and URL. A System Controller's
 * catalog lists every subcloud's endpoints (3.4 MB at 5,000 subclouds), and a lookup by region reads the file
 * back, so the ids and a region_id that repeats the region are left out.
 */
export function compactCatalog(catalog: CatalogEntry[]): CatalogEntry[] {
  return catalog.map((service) => ({
    type: service.type,
    ...(service.name === undefined ? {} : {name: service.name}),
    endpoints: (service.endpoints ?? []).map((endpoint) => ({
      interface: endpoint.interface,
      region: endpoint.region ?? endpoint.region_id,
      ...(endpoint.region_id !== undefined && endpoint.region !== undefined && endpoint.region_id !== endpoint.region
        ? {region_id: endpoint.region_id}
        : {}),
      url: endpoint.url,
    })),
  }))
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
