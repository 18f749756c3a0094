import {promises as fs} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {describe, expect, test} from '@jest/globals'
import fc from 'fast-check'

import {auditSubcloud, scSubnets} from '../../../src/lab/dcmanager/audit.js'
import type {LabRequest} from '../../../src/lab/http/http-types.js'
import {KeystoneService} from '../../../src/lab/keystone/keystone-service.js'
import {DEFAULT_SYSTEM_CONTROLLER} from '../../../src/lab/lab-config.js'
import {LabStore} from '../../../src/lab/lab-store.js'
import {buildMultipart, MultipartError, parseMultipart} from '../../../src/lab/http/multipart.js'
import {keystoneTimestamp, pythonTimestamp} from '../../../src/lab/dcmanager/python-time.js'
import {aggregateSync, newSubcloudRecord} from '../../../src/lab/dcmanager/subcloud-model.js'
import {revisionCache} from '../../../src/lab/dcmanager/dcmanager-http.js'
import {validateAddressStr, validateNetworkStr} from '../../../src/lab/dcmanager/subnet-checks.js'
import {webobErrorResponse} from '../../../src/lab/http/webob-error.js'

const record = (deployStatus = 'complete', managementState: 'managed' | 'unmanaged' = 'unmanaged') => ({
  ...newSubcloudRecord({
    id: 1,
    name: 'sc',
    softwareVersion: '24.09',
    deployStatus,
    managementSubnet: '192.168.101.0/24',
    managementStartIp: '192.168.101.2',
    managementEndIp: '192.168.101.50',
    managementGatewayIp: '192.168.101.1',
    systemcontrollerGatewayIp: '192.168.204.101',
    bootstrapAddress: '10.10.10.12',
    oamFloatingAddress: '10.10.10.12',
  }),
  managementState,
})

describe('multipart', () => {
  test('round trip of files and fields, binary safe', () => {
    fc.assert(
      fc.property(fc.uint8Array({maxLength: 300}), fc.string({maxLength: 50}), (bytes, text) => {
        const {body, contentType} = buildMultipart([
          {name: 'bootstrap_values', value: Buffer.from(bytes), filename: 'a b.yaml'},
          {name: 'description', value: text},
        ])
        const parts = parseMultipart(body, contentType)
        expect(parts.get('bootstrap_values')).toMatchObject({filename: 'a b.yaml', data: Buffer.from(bytes)})
        expect(parts.get('description')?.data.toString('utf8')).toBe(text)
        expect(parts.get('description')?.filename).toBeUndefined()
      }),
    )
  })

  test('truncated bodies and missing boundaries are refused', () => {
    const {body, contentType} = buildMultipart([{name: 'a', value: 'x'}])
    expect(() => parseMultipart(body.subarray(0, body.length - 20), contentType)).toThrow(MultipartError)
    expect(() => parseMultipart(body, 'multipart/form-data')).toThrow('multipart body without a boundary')
  })
})

describe('audit', () => {
  const subnets = scSubnets(DEFAULT_SYSTEM_CONTROLLER.managementNetworks)
  test.each([
    ['complete + route to 192.168.204.0/24', 'complete', [{network: '192.168.204.0', prefix: 24}], 'online'],
    ['complete + default route', 'complete', [{network: '0.0.0.0', prefix: 0}], 'online'],
    ['complete + IPv6 route to fd00:204::/64', 'complete', [{network: 'fd00:204::', prefix: 64}], 'online'],
    ['complete + route to a smaller part', 'complete', [{network: '192.168.204.0', prefix: 25}], 'offline'],
    ['complete + unrelated route', 'complete', [{network: '10.0.0.0', prefix: 8}], 'offline'],
    ['complete, no route', 'complete', [], 'offline'],
    ['bootstrapping + route', 'bootstrapping', [{network: '192.168.204.0', prefix: 24}], 'offline'],
    ['junk route', 'complete', [{network: 'junk', prefix: 24}], 'offline'],
  ])('%s', (_label, status, routes, expected) => {
    expect(auditSubcloud(record(status), routes, subnets).availabilityStatus).toBe(expected)
  })

  test('in-sync only when managed and online; the list aggregate follows (quirk Q14 for mixed values)', () => {
    const route = [{network: '192.168.204.0', prefix: 24}]
    const managed = auditSubcloud(record('complete', 'managed'), route, subnets)
    expect(new Set(Object.values(managed.endpointSyncStatus))).toEqual(new Set(['in-sync']))
    expect(new Set(Object.values(auditSubcloud(record(), route, subnets).endpointSyncStatus))).toEqual(
      new Set(['unknown']),
    )
    const mixed = {...record(), endpointSyncStatus: {...record().endpointSyncStatus, 'dc-cert': 'in-sync' as const}}
    expect(aggregateSync(mixed)).toBe('out-of-sync')
  })
})

describe('webob error bodies', () => {
  test('JSON for Accept: application/json, HTML (exact shape, escaped) otherwise', () => {
    expect(webobErrorResponse(404, 'Subcloud not found', true)).toEqual({
      status: 404,
      headers: {'content-type': 'application/json'},
      body: {code: 404, title: 'Not Found', description: 'Subcloud not found'},
    })
    expect(webobErrorResponse(422, 'a <b> & "c"', false).body).toBe(
      '<html>\n <head>\n  <title>422 Unprocessable Entity</title>\n </head>\n <body>\n  <h1>422 Unprocessable Entity</h1>\n' +
        '  Unable to process the contained instructions<br /><br />\na &lt;b&gt; &amp; &quot;c&quot;\n\n\n </body>\n</html>',
    )
  })
})

describe('timestamps', () => {
  test("Python's str(datetime) and keystone's ISO form", () => {
    const date = new Date(Date.UTC(2026, 1, 25, 18, 28, 43, 715))
    expect(pythonTimestamp(date)).toMatch(/^2026-02-25 18:28:43\.715\d{3}$/)
    expect(keystoneTimestamp(date)).toBe('2026-02-25T18:28:43.715000Z')
  })
})

describe('keystone tokens', () => {
  test('expire after their lifetime (clock injected)', async () => {
    let now = Date.UTC(2026, 0, 1)
    const keystone = new KeystoneService({
      userName: 'admin',
      password: 'pw',
      projectName: 'admin',
      userId: 'u',
      projectId: 'p',
      tokenLifetimeSeconds: 60,
      catalog: () => [],
      baseUrl: () => 'http://127.0.0.1:1/identity',
      now: () => now,
    })
    const token = keystone.issue()
    expect(token.expiresAt).toBe('2026-01-01T00:01:00.000000Z')
    now += 59_000
    expect(keystone.validate(token.id)).toBeDefined()
    now += 1000
    expect(keystone.validate(token.id)).toBeUndefined()
    const request: LabRequest = {
      method: 'POST',
      path: '/v3/auth/tokens',
      query: new URLSearchParams(),
      headers: {},
      body: Buffer.from(
        JSON.stringify({auth: {identity: {methods: ['password'], password: {user: {id: 'u', password: 'pw'}}}}}),
      ),
    }
    expect((await keystone.service(request)).status).toBe(201)
  })
})

describe('subnet validators', () => {
  test('dual stack needs one subnet per family and addresses in the same order', () => {
    const subnets = validateNetworkStr('192.168.101.0/24,fd00:101::/64', 4)
    expect(subnets.ok).toBe(true)
    if (!subnets.ok) return
    expect(validateAddressStr('192.168.101.2,fd00:101::2', subnets.value)).toMatchObject({ok: true})
    expect(validateAddressStr('fd00:101::2,192.168.101.2', subnets.value)).toEqual({
      ok: false,
      reason: 'Invalid IP version - must match network version IPv4',
    })
    expect(validateAddressStr('192.168.101.2', subnets.value)).toEqual({
      ok: false,
      reason: 'Invalid address - Not of same size (single or dual-stack) with subnet',
    })
    // Quirk Q2: upstream never refuses the network address itself.
    expect(validateAddressStr('192.168.101.0,fd00:101::', subnets.value)).toMatchObject({ok: true})
  })
})

describe('lab store', () => {
  test('open flips transitional deploy states to their failure values and persists it', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dcm-lab-store-'))
    try {
      const store = await LabStore.open(dir)
      store.insertSubcloud({...record('installing'), id: store.allocateSubcloudId()})
      await store.persist()
      await fs.writeFile(path.join(dir, '.state.json.abc.tmp'), '{"torn')
      const reopened = await LabStore.open(dir)
      expect(reopened.subcloudById(1)?.deployStatus).toBe('install-failed')
      expect(JSON.parse(await fs.readFile(path.join(dir, 'state.json'), 'utf8')).subclouds[0].deployStatus).toBe(
        'install-failed',
      )
      expect(await fs.readdir(dir)).toEqual(['state.json'])
      await fs.writeFile(path.join(dir, 'state.json'), '{"version": 1, "subclouds": [')
      await expect(LabStore.open(dir)).rejects.toThrow(/is not valid JSON/)
    } finally {
      await fs.rm(dir, {recursive: true, force: true})
    }
  })

  test('open ends backup and prestage work in flight as a restarted manager does (subcloud-lifecycle.md §1.2)', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dcm-lab-store-'))
    try {
      const store = await LabStore.open(dir)
      const cases = [
        ['validating', 'validate-failed'],
        ['pre-backup', 'backup-prep-failed'],
        ['backing-up', 'failed'],
        ['deleting-backup', 'delete-failed'],
        ['complete-central', 'complete-central'],
      ]
      for (const [backupStatus] of cases) {
        store.insertSubcloud({
          ...record('complete'),
          id: store.allocateSubcloudId(),
          backupStatus,
          prestageStatus: 'prestaging',
        })
      }
      store.setBackup(1, '24.09', {central: '2026-01-01 00:00:00.000000'})
      await store.persist()
      const reopened = await LabStore.open(dir)
      expect(reopened.subclouds.map((item) => [item.backupStatus, item.prestageStatus])).toEqual(
        cases.map(([, after]) => [after, 'failed']),
      )
      expect(reopened.backupOf(1, '24.09')).toEqual({central: '2026-01-01 00:00:00.000000'})
    } finally {
      await fs.rm(dir, {recursive: true, force: true})
    }
  })

  test('a read cached under the revision is rebuilt after every change and every persist, and only then', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dcm-lab-store-'))
    try {
      const store = await LabStore.open(dir)
      const cached = revisionCache(store)
      let builds = 0
      const names = () =>
        cached('names', () => {
          builds++
          return store.subclouds.map((item) => `${item.name} ${item.managementState}`)
        })
      const read = () => JSON.parse(String(names().body)) as string[]
      expect(read()).toEqual([])
      expect(read()).toEqual([])
      expect(builds).toBe(1)
      store.insertSubcloud({...record(), id: store.allocateSubcloudId()})
      expect(read()).toEqual(['sc unmanaged'])
      store.updateSubcloud(1, {managementState: 'managed'}, {touch: false})
      expect(read()).toEqual(['sc managed'])
      // A change made in place is seen once it is persisted (the store's rule: every mutation is persisted).
      store.subcloudById(1)!.managementState = 'unmanaged'
      await store.persist()
      expect(read()).toEqual(['sc unmanaged'])
      expect(read()).toEqual(['sc unmanaged'])
      expect(builds).toBe(4)
      expect(names().headers).toEqual({'content-type': 'application/json'})
    } finally {
      await fs.rm(dir, {recursive: true, force: true})
    }
  })
})
