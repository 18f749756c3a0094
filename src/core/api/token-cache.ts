import {createHash, randomBytes} from 'node:crypto'
import {promises as fs} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import type {CatalogEntry} from './catalog.js'

/**
 * A private on-disk cache of Keystone tokens, so that a script running twenty dcm commands authenticates
 * once (dcmanager-api.md §1.2 does the same with the kernel keyring). One 0600 file per auth URL + user +
 * scope in a 0700 directory; an entry is used only while it has more than 10 s left. Failures to read or
 * write are ignored: the cache is an optimisation, never a reason to fail a command.
 */
export interface CachedAuth {
  token: string
  expiresAt: string
  projectId: string
  userId: string
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

export class TokenCache {
  constructor(
    private readonly dir: string = defaultCacheDir(),
    private readonly now: () => number = Date.now,
  ) {}

  fileFor(key: CacheKey): string {
    const identity = JSON.stringify([
      key.authUrl.replace(/\/+$/, ''),
      key.username ?? '',
      key.userId ?? '',
      key.userDomain ?? '',
      key.projectName ?? '',
      key.projectId ?? '',
      key.projectDomain ?? '',
    ])
    return path.join(this.dir, 'tokens', `${createHash('sha256').update(identity).digest('hex').slice(0, 32)}.json`)
  }

  async get(key: CacheKey): Promise<CachedAuth | undefined> {
    try {
      const entry = JSON.parse(await fs.readFile(this.fileFor(key), 'utf8')) as CachedAuth
      if (!entry.token || !isFresh(entry.expiresAt, this.now())) return undefined
      return entry
    } catch {
      return undefined
    }
  }

  async put(key: CacheKey, entry: CachedAuth): Promise<void> {
    const file = this.fileFor(key)
    try {
      await fs.mkdir(path.dirname(file), {recursive: true, mode: 0o700})
      const temporary = `${file}.${randomBytes(6).toString('hex')}.tmp`
      await fs.writeFile(temporary, JSON.stringify({...entry, catalog: compactCatalog(entry.catalog)}), {mode: 0o600})
      await fs.rename(temporary, file)
    } catch {
      // An unwritable cache dir only costs a Keystone round trip next time.
    }
  }

  async delete(key: CacheKey): Promise<void> {
    await fs.rm(this.fileFor(key), {force: true}).catch(() => undefined)
  }
}

/**
 * The catalog as endpoint selection reads it: type, name, interface, region and URL. A System Controller's
 * catalog lists every subcloud's endpoints (3.4 MB at 5,000 subclouds), and every cached command reads the
 * file back, so the ids and a region_id that repeats the region are left out.
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
