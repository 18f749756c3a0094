import {afterAll, beforeAll, describe, expect, it} from '@jest/globals'
import {createServer, type Server} from 'node:http'
import type {AddressInfo} from 'node:net'
import {
  chmodSync,
  chownSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {resolveAuthConfig} from '../../src/core/api/auth-config.js'
import {openSession} from '../../src/core/api/connect.js'
import {TokenCache} from '../../src/core/api/token-cache.js'
import {resolveSshTarget} from '../../src/core/ssh/ssh-config.js'
import {LabHostRegistry} from '../../src/lab/hosts/ssh-host-registry.js'
import {parseExports, runDcm} from '../helpers/cli.js'
import {startTestLab, type TestLab} from '../helpers/lab.js'
import {bootstrapValues} from '../helpers/subcloud-fixtures.js'

/**
 * Trust of what dcm reads back: the token cache (whose catalog decides where the sysadmin password goes next)
 * and the lab's data dir (admin password, log, ssh_config). Planted or loose ones are refused or ignored, and a
 * planted catalog never receives a request. Runs the built CLI (npm run compile) against an in-process lab.
 */
const root = process.getuid?.() === 0
const FOREIGN_UID = 12345

describe('token cache trust', () => {
  let lab: TestLab
  let scratch: string
  let planted: Server
  let plantedUrl: string
  const plantedRequests: string[] = []

  beforeAll(async () => {
    lab = await startTestLab()
    scratch = mkdtempSync(path.join(os.tmpdir(), 'dcm-faults-cache-'))
    // The server a planted catalog points dcmanager at: it must never hear from dcm.
    planted = createServer((request, response) => {
      plantedRequests.push(`${request.method} ${request.url}`)
      response.writeHead(200, {'content-type': 'application/json'}).end('{"subclouds": []}')
    })
    await new Promise<void>((resolve) => planted.listen(0, '127.0.0.1', resolve))
    plantedUrl = `http://127.0.0.1:${(planted.address() as AddressInfo).port}`
  })
  afterAll(async () => {
    await lab.stop()
    await new Promise((resolve) => planted.close(resolve))
    rmSync(scratch, {recursive: true, force: true})
  })

  const list = (cacheDir: string) => runDcm(['subcloud', 'list'], {env: {...lab.env, DCM_CACHE_DIR: cacheDir}})
  const keyOf = () => ({
    authUrl: lab.env.OS_AUTH_URL,
    username: 'admin',
    userDomain: 'Default',
    projectName: 'admin',
    projectDomain: 'Default',
  })
  /** What an entry made for keyOf() names in `for` (token-cache.ts identityOf). */
  const identityOf = () => [lab.env.OS_AUTH_URL.replace(/\/+$/, ''), 'admin', '', 'Default', 'admin', '', 'Default']

  it('a cache dir others can write is refused before anything is sent', async () => {
    const dir = path.join(scratch, 'loose')
    mkdirSync(dir, {mode: 0o777})
    chmodSync(dir, 0o777)
    const before = lab.requests.length
    const result = await list(dir)
    expect(result.code).toBe(1)
    expect(result.stderr).toContain(
      `Error: refusing to use ${dir}: the token cache directory is writable by group or others (mode 0777)`,
    )
    expect(result.stderr).toContain('Hint: set DCM_CACHE_DIR to a directory of your own, or pass --no-cache')
    expect(lab.requests.length).toBe(before)
  })

  it('a cache dir owned by another user is refused', async () => {
    if (!root) return console.log('skipped: planting a foreign-owned cache dir needs root')
    const dir = path.join(scratch, 'foreign')
    mkdirSync(dir, {mode: 0o700})
    chownSync(dir, FOREIGN_UID, FOREIGN_UID)
    const result = await list(dir)
    expect(result.code).toBe(1)
    expect(result.stderr).toContain(`the token cache directory is owned by uid ${FOREIGN_UID}`)
  })

  it('a cache dir of ours that others can read is tightened to 0700 and used', async () => {
    const dir = path.join(scratch, 'readable')
    mkdirSync(dir, {mode: 0o755})
    chmodSync(dir, 0o755)
    expect((await list(dir)).code).toBe(0)
    expect(statSync(dir).mode & 0o777).toBe(0o700)
    expect(statSync(path.join(dir, 'tokens')).mode & 0o777).toBe(0o700)
  })

  // Each way an entry can be untrustworthy: planted with a catalog that sends dcmanager calls elsewhere.
  const plantedEntry = (extra: Record<string, unknown>) => ({
    token: 'planted-token',
    expiresAt: new Date(Date.now() + 3_600_000).toISOString(),
    projectId: 'p',
    userId: 'u',
    endpoints: Object.fromEntries(
      ['public', 'internal', 'admin'].map((iface) => [`dcmanager ${iface}`, `${plantedUrl}/v1.0`]),
    ),
    ...extra,
  })
  const cases: [string, (file: string) => void][] = [
    ['without an expiry', (file) => writeEntry(file, plantedEntry({expiresAt: undefined}))],
    ['made for another auth URL', (file) => writeEntry(file, plantedEntry({for: ['http://elsewhere/v3']}))],
    ['made for nobody', (file) => writeEntry(file, plantedEntry({}))],
    [
      'of the old format (the catalog inline, no endpoint index)',
      (file) =>
        writeEntry(
          file,
          plantedEntry({
            for: identityOf(),
            endpoints: undefined,
            catalog: [
              {
                type: 'dcmanager',
                endpoints: [{interface: 'internal', region: 'SystemController', url: `${plantedUrl}/v1.0`}],
              },
            ],
          }),
        ),
    ],
    ['readable by others', (file) => writeEntry(file, plantedEntry({}), 0o644)],
    [
      'a symlink to an entry elsewhere',
      (file) => {
        const elsewhere = path.join(scratch, `elsewhere-${Date.now()}.json`)
        writeEntry(elsewhere, plantedEntry({}))
        symlinkSync(elsewhere, file)
      },
    ],
    ...(root
      ? [
          [
            'owned by another user',
            (file: string) => {
              writeEntry(file, plantedEntry({}))
              chownSync(file, FOREIGN_UID, FOREIGN_UID)
            },
          ] as [string, (file: string) => void],
        ]
      : []),
  ]
  function writeEntry(file: string, entry: Record<string, unknown>, mode = 0o600) {
    writeFileSync(file, JSON.stringify(entry), {mode})
    chmodSync(file, mode)
  }

  // In process (the same openSession a command uses), to keep the suite fast.
  async function dcmanagerUrlWith(cacheDir: string): Promise<string> {
    const session = openSession(await resolveAuthConfig({}, lab.env), {cacheDir})
    const url = await session.endpointFor('dcmanager')
    const response = await session.request({method: 'GET', url: `${url}/subclouds`})
    expect(response.status).toBe(200)
    return url
  }

  it.each(cases)('an entry %s is ignored and replaced; its catalog gets nothing', async (_name, plant) => {
    const dir = mkdtempSync(path.join(scratch, 'entry-'))
    const file = new TokenCache(dir).fileFor(keyOf())
    mkdirSync(path.dirname(file), {recursive: true, mode: 0o700})
    plant(file)
    expect(await dcmanagerUrlWith(dir)).toBe(lab.dcmanagerUrl.replace(/\/+$/, ''))
    expect(plantedRequests).toEqual([])
    // Replaced by an entry of ours, bound to what it was made for.
    const stats = lstatSync(file)
    expect(stats.isFile()).toBe(true)
    expect(stats.mode & 0o777).toBe(0o600)
    expect(stats.uid).toBe(process.getuid?.())
    const stored = JSON.parse(readFileSync(file, 'utf8')) as {for: string[]; token: string; expiresAt: string}
    expect(stored.token).not.toBe('planted-token')
    expect(stored.for[0]).toBe(lab.env.OS_AUTH_URL)
    expect(stored.expiresAt).toBeTruthy()
  })

  it('a well-formed entry of ours is still reused (one Keystone round trip for several commands)', async () => {
    const dir = mkdtempSync(path.join(scratch, 'reuse-'))
    const issued = () => lab.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/auth/tokens')).length
    await dcmanagerUrlWith(dir)
    const tokens = issued()
    await dcmanagerUrlWith(dir)
    expect(issued()).toBe(tokens)
  })
})

describe('lab data dir trust, detach environment, ssh boundary', () => {
  let scratch: string
  let victim: string
  const started: string[] = []

  beforeAll(() => {
    scratch = mkdtempSync(path.join(os.tmpdir(), 'dcm-faults-lab-'))
    victim = path.join(scratch, 'victim')
    writeFileSync(victim, 'precious\n', {mode: 0o644})
  })
  afterAll(async () => {
    for (const dataDir of started) await runDcm(['lab', 'stop', '--data-dir', dataDir])
    rmSync(scratch, {recursive: true, force: true})
  })

  const startDetached = (dataDir: string, env: Record<string, string> = {}) => {
    started.push(dataDir)
    return runDcm(['lab', 'start', '--detach', '--data-dir', dataDir, '--port', '0'], {env})
  }

  it('a data dir others can write is refused', async () => {
    const dataDir = path.join(scratch, 'loose')
    mkdirSync(dataDir, {mode: 0o777})
    chmodSync(dataDir, 0o777)
    const result = await startDetached(dataDir)
    expect(result.code).toBe(1)
    expect(result.stderr).toContain(
      `Error: refusing to use ${dataDir}: the lab data dir is writable by group or others (mode 0777)`,
    )
    expect(readdirSync(dataDir)).toEqual([])
    // A lab.json planted there (pointing clients at another server) is not believed by `dcm lab env` either.
    writeFileSync(path.join(dataDir, 'lab.json'), JSON.stringify({pid: process.pid, url: 'http://127.0.0.1:1'}))
    const env = await runDcm(['lab', 'env', '--data-dir', dataDir])
    expect(env.code).toBe(1)
    expect(env.stderr).toContain(`Error: refusing to use ${dataDir}: the lab data dir is writable by group or others`)
    expect(env.stdout).toBe('')
  })

  it('a data dir owned by another user is refused', async () => {
    if (!root) return console.log('skipped: planting a foreign-owned data dir needs root')
    const dataDir = path.join(scratch, 'foreign')
    mkdirSync(dataDir, {mode: 0o700})
    chownSync(dataDir, FOREIGN_UID, FOREIGN_UID)
    const result = await startDetached(dataDir)
    expect(result.code).toBe(1)
    expect(result.stderr).toContain(`the lab data dir is owned by uid ${FOREIGN_UID}`)
  })

  it('a planted or loose admin-password is refused, never used', async () => {
    const dataDir = path.join(scratch, 'password')
    mkdirSync(dataDir, {mode: 0o700})
    const file = path.join(dataDir, 'admin-password')
    writeFileSync(file, 'planted-password\n', {mode: 0o644})
    chmodSync(file, 0o644)
    let result = await startDetached(dataDir)
    expect(result.code).toBe(1)
    expect(result.stderr).toContain(`Error: refusing to use ${file}: others may read or write it (mode 0644)`)
    expect(result.stderr).toContain(`Hint: remove ${file}: the lab makes a new password`)
    rmSync(file)
    symlinkSync(victim, file)
    result = await startDetached(dataDir)
    expect(result.code).toBe(1)
    expect(result.stderr).toContain(`refusing to use ${file}: it is a symbolic link`)
  })

  it('a planted lab.log symlink is refused and its target untouched', async () => {
    const dataDir = path.join(scratch, 'log')
    mkdirSync(dataDir, {mode: 0o700})
    symlinkSync(victim, path.join(dataDir, 'lab.log'))
    const result = await startDetached(dataDir)
    expect(result.code).toBe(1)
    expect(result.stderr).toContain(`refusing to use ${path.join(dataDir, 'lab.log')}: it is a symbolic link`)
    expect(readFileSync(victim, 'utf8')).toBe('precious\n')
    expect(statSync(victim).mode & 0o777).toBe(0o644)
  })

  it('--detach: the daemon keeps no secret of the caller; lab env exports DCM_LAB_DIR', async () => {
    const dataDir = path.join(scratch, 'detach')
    const secrets = {
      OS_PASSWORD: 'caller-os-password-1',
      DCM_SYSADMIN_PASSWORD: 'caller-sysadmin-password-2',
      MY_API_TOKEN: 'caller-token-3',
    }
    const result = await startDetached(dataDir, {...secrets, OS_AUTH_URL: 'http://u:caller-url-pw@x/v3'})
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    const instance = JSON.parse(readFileSync(path.join(dataDir, 'lab.json'), 'utf8')) as {pid: number}
    const environ = readFileSync(`/proc/${instance.pid}/environ`, 'utf8')
    for (const value of [...Object.values(secrets), 'caller-url-pw']) expect(environ).not.toContain(value)
    expect(environ).toContain('PATH=')
    const env = parseExports((await runDcm(['lab', 'env', '--data-dir', dataDir])).stdout)
    expect(env.DCM_LAB_DIR).toBe(dataDir)
    // DCM_LAB_DIR alone then finds the same lab.
    const status = await runDcm(['lab', 'status'], {env: {DCM_LAB_DIR: dataDir}})
    expect(status.code).toBe(0)
    expect((await runDcm(['lab', 'stop'], {env: {DCM_LAB_DIR: dataDir}})).code).toBe(0)
  })

  it("the lab's ssh_config refuses every address it does not map, before anything connects", async () => {
    const dataDir = path.join(scratch, 'boundary')
    const registry = await LabHostRegistry.open(dataDir)
    await registry.close()
    const configFile = path.join(dataDir, 'ssh_config')
    expect(statSync(configFile).mode & 0o777).toBe(0o600)
    expect(() => resolveSshTarget({host: '10.99.0.7', configFile})).toThrow(
      `10.99.0.7 is not a host of this lab (its ssh_config maps only the addresses of dcm lab host list) (${configFile})`,
    )
    // Through the CLI, as `eval "$(dcm lab env)"` would set it: exit 2, refused with the hint.
    const values = path.join(scratch, 'subcloud1.yml')
    writeFileSync(values, bootstrapValues('subcloud1'))
    const result = await runDcm(
      [
        'subcloud',
        'bootstrap',
        '--bootstrap-address',
        '10.10.10.12',
        '--bootstrap-values',
        values,
        '--known-hosts',
        path.join(scratch, 'known_hosts'),
        '--log-dir',
        path.join(scratch, 'logs'),
        '--sysadmin-password-stdin',
      ],
      {input: 'Li69nux*', env: {DCM_SSH_CONFIG: configFile, XDG_STATE_HOME: path.join(scratch, 'state')}},
    )
    expect(result.stderr).toContain('10.10.10.12 is not a host of this lab')
    expect(result.stderr).toContain('add it with `dcm lab host add`')
    expect(result.code).not.toBe(0)
  })
})
