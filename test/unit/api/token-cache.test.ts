import {afterAll, beforeAll, describe, expect, it} from '@jest/globals'
import {chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {type CatalogEntry, indexEndpoints} from '../../../src/core/api/catalog.js'
import {TokenCache} from '../../../src/core/api/token-cache.js'

/**
 * The token cache on disk: the entry a cached command reads is small (token, ids, endpoint index) whatever the
 * catalog's size, and the catalog beside it is used only with the token it came with.
 */
const key = {authUrl: 'https://sc.example:5000/v3', username: 'admin', projectName: 'admin'}

/** A System Controller catalog: dcmanager once, sysinv (platform) in RegionOne and in every subcloud's region. */
function fleetCatalog(subclouds: number): CatalogEntry[] {
  const service = (type: string, regions: [string, string][]) => ({
    type,
    name: type,
    endpoints: regions.flatMap(([region, url]) =>
      ['public', 'internal', 'admin'].map((iface) => ({
        id: `${type}-${region}-${iface}`,
        interface: iface,
        region,
        url,
      })),
    ),
  })
  const regions: [string, string][] = [['RegionOne', 'https://sc.example:6385/v1']]
  for (let i = 1; i <= subclouds; i++) regions.push([`subcloud-${i}`, `https://10.1.${i >> 8}.${i & 255}:6385/v1`])
  return [
    service('identity', [['RegionOne', 'https://sc.example:5000/v3']]),
    service('platform', regions),
    service('dcmanager', [['SystemController', 'https://sc.example:8119/v1.0']]),
  ]
}

describe('token cache', () => {
  let dir: string
  const expiresAt = () => new Date(Date.now() + 3_600_000).toISOString()
  const auth = (token: string, catalog: CatalogEntry[]) => ({
    token,
    expiresAt: expiresAt(),
    projectId: 'p',
    userId: 'u',
    endpoints: indexEndpoints(catalog),
    catalog,
  })

  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'dcm-token-cache-'))
  })
  afterAll(() => rmSync(dir, {recursive: true, force: true}))

  it('keeps the entry small at 5,000 subclouds and the catalog beside it', async () => {
    const cache = new TokenCache(path.join(dir, 'fleet'))
    const catalog = fleetCatalog(5000)
    await cache.put(key, auth('tok-1', catalog))
    const entry = await cache.get(key)
    expect(entry).toEqual({
      token: 'tok-1',
      expiresAt: expect.any(String),
      projectId: 'p',
      userId: 'u',
      endpoints: {
        'identity public': 'https://sc.example:5000/v3',
        'identity internal': 'https://sc.example:5000/v3',
        'identity admin': 'https://sc.example:5000/v3',
        'platform public': 'https://sc.example:6385/v1',
        'platform internal': 'https://sc.example:6385/v1',
        'platform admin': 'https://sc.example:6385/v1',
        'dcmanager public': 'https://sc.example:8119/v1.0',
        'dcmanager internal': 'https://sc.example:8119/v1.0',
        'dcmanager admin': 'https://sc.example:8119/v1.0',
      },
    })
    expect(statSync(cache.fileFor(key)).size).toBeLessThan(2048)
    expect(statSync(cache.catalogFileFor(key)).size).toBeGreaterThan(1_000_000)
    expect(statSync(cache.catalogFileFor(key)).mode & 0o777).toBe(0o600)
    const cached = await cache.getCatalog(key, 'tok-1')
    expect(cached?.[1].endpoints).toHaveLength(3 * 5001)
    // The ids are not kept (compactCatalog).
    expect(cached?.[1].endpoints[3]).toEqual({
      interface: 'public',
      region: 'subcloud-1',
      url: 'https://10.1.0.1:6385/v1',
    })
  })

  it('uses a catalog only with the token it was cached with', async () => {
    const cache = new TokenCache(path.join(dir, 'token'))
    await cache.put(key, auth('tok-1', fleetCatalog(1)))
    expect(await cache.getCatalog(key, 'tok-2')).toBeUndefined()
    expect(await cache.getCatalog({...key, username: 'other'}, 'tok-1')).toBeUndefined()
    expect(await cache.getCatalog(key, 'tok-1')).toHaveLength(3)
  })

  it('ignores a catalog file others can read, and an entry of the old format (catalog inline, no index)', async () => {
    const cache = new TokenCache(path.join(dir, 'loose'))
    await cache.put(key, auth('tok-1', fleetCatalog(1)))
    chmodSync(cache.catalogFileFor(key), 0o644)
    expect(await cache.getCatalog(key, 'tok-1')).toBeUndefined()

    const stored = JSON.parse(readFileSync(cache.fileFor(key), 'utf8')) as Record<string, unknown>
    const {endpoints: _index, ...old} = stored
    writeFileSync(cache.fileFor(key), JSON.stringify({...old, catalog: fleetCatalog(1)}), {mode: 0o600})
    expect(await cache.get(key)).toBeUndefined()
  })

  it('delete removes the entry and its catalog', async () => {
    const cache = new TokenCache(path.join(dir, 'delete'))
    await cache.put(key, auth('tok-1', fleetCatalog(1)))
    await cache.delete(key)
    expect(await cache.get(key)).toBeUndefined()
    expect(await cache.getCatalog(key, 'tok-1')).toBeUndefined()
  })
})
