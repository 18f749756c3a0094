import {createServer, type Server, type Socket} from 'node:net'

import {afterAll, beforeAll, expect, test} from '@jest/globals'

import {peerSites} from '../../src/lab/geo/site-peering.js'
import {getJson, seedPeerGroup, sendJson, startSite, waitForJson} from '../helpers/geo.js'
import type {TestLab} from '../helpers/lab.js'
import {waitFor} from '../helpers/lab.js'

/**
 * Two lab sites through restarts and failures (subcloud-lifecycle.md §1.2, §6.2, §6.4): the primary stopped in
 * the middle of a sync finds it `failed` ("Service restart during syncing") when it starts again; a sync while
 * the peer is down fails with the connection error and the association recovers once the peer is back; a
 * failure policy of `rehome` changes nothing but the alarm (upstream gives the policies no behaviour).
 */
let a: TestLab
let b: TestLab
const dirs = {a: '', b: ''}
const ports = {a: 0, b: 0}
let hanging: Server
const sockets: Socket[] = []

interface Association {
  'sync-status': string
  'sync-message': string | null
}

beforeAll(async () => {
  a = await startSite('site-a', {keepDataDir: true})
  b = await startSite('site-b', {keepDataDir: true})
  Object.assign(dirs, {a: a.dataDir, b: b.dataDir})
  Object.assign(ports, {a: a.port, b: b.port})
  await peerSites(
    {authUrl: a.authUrl, adminPassword: a.password},
    {authUrl: b.authUrl, adminPassword: b.password},
    {heartbeatInterval: 10, heartbeatFailureThreshold: 2},
  )
  await seedPeerGroup(a, 'pg1', 1)
  await sendJson(a, 'POST', '/peer-group-associations', {peer_group_id: 1, system_peer_id: 1, peer_group_priority: 2})
  await waitForJson<Association>(a, '/peer-group-associations/1', (body) => body['sync-status'] === 'in-sync')
  // A loopback server that accepts connections and never answers: a peer site that hangs.
  hanging = createServer((socket) => sockets.push(socket))
  await new Promise<void>((resolve) => hanging.listen(0, '127.0.0.1', resolve))
})
afterAll(async () => {
  for (const socket of sockets) socket.destroy()
  hanging?.close()
  await a?.stop()
  await b?.stop()
})

test('the primary stopped mid-sync: after its restart the association is failed, and a new sync repairs it', async () => {
  const port = (hanging.address() as {port: number}).port
  const response = await sendJson(a, 'PATCH', '/system-peers/1', {
    manager_endpoint: `http://127.0.0.1:${port}/identity/v3`,
  })
  expect(response.status).toBe(200)
  const sync = await sendJson(a, 'PATCH', '/peer-group-associations/1/sync')
  expect(((await sync.json()) as Association)['sync-status']).toBe('syncing')
  await a.stop()
  a = await startSite('site-a', {dataDir: dirs.a, port: ports.a, keepDataDir: true})
  expect(await getJson(a, '/peer-group-associations/1')).toMatchObject({
    'sync-status': 'failed',
    'sync-message': 'Service restart during syncing',
  })
  await sendJson(a, 'PATCH', '/system-peers/1', {manager_endpoint: b.authUrl})
  await sendJson(a, 'PATCH', '/peer-group-associations/1/sync')
  await waitForJson<Association>(a, '/peer-group-associations/1', (body) => body['sync-status'] === 'in-sync')
})

test('the peer stopped: a sync fails with the connection error; the peer back, the association recovers', async () => {
  await waitForJson<Record<string, unknown>>(a, '/system-peers/1', (peer) => peer['availability-state'] === 'available')
  await b.stop()
  // The monitor: in-sync -> unknown once the peer is unavailable.
  await waitForJson<Association>(a, '/peer-group-associations/1', (body) => body['sync-status'] === 'unknown')
  await sendJson(a, 'PATCH', '/peer-group-associations/1/sync')
  const failed = await waitForJson<Association>(
    a,
    '/peer-group-associations/1',
    (body) => body['sync-status'] === 'failed',
  )
  expect(failed['sync-message']).toBe(`Unable to connect to http://127.0.0.1:${ports.b}: ECONNREFUSED`)
  b = await startSite('site-b', {dataDir: dirs.b, port: ports.b, keepDataDir: true})
  // Reachable again: failed -> out-of-sync (pushed to B too); then an operator's sync.
  await waitForJson<Association>(a, '/peer-group-associations/1', (body) => body['sync-status'] === 'out-of-sync')
  await sendJson(a, 'PATCH', '/peer-group-associations/1/sync')
  await waitForJson<Association>(a, '/peer-group-associations/1', (body) => body['sync-status'] === 'in-sync')
  expect(await getJson(b, '/peer-group-associations/1')).toMatchObject({'sync-status': 'in-sync'})
})

test('policy rehome: the peer lost raises the alarm again and again, and nothing is migrated', async () => {
  const patched = await sendJson(b, 'PATCH', '/system-peers/1', {heartbeat_failure_policy: 'rehome'})
  expect(((await patched.json()) as Record<string, unknown>)['heartbeat-failure-policy']).toBe('rehome')
  await waitForJson<Record<string, unknown>>(b, '/system-peers/1', (peer) => peer['availability-state'] === 'available')
  await a.stop()
  await waitForJson<Record<string, unknown>>(
    b,
    '/system-peers/1',
    (peer) => peer['availability-state'] === 'unavailable',
  )
  const first = b.geo.tables.alarms.find((alarm) => alarm.alarmId === '280.004')!.raisedAt
  // With the peer still down the alarm is raised again every threshold failures: wait for the second one.
  await waitFor(
    () => b.geo.tables.alarms.find((alarm) => alarm.alarmId === '280.004')?.raisedAt,
    (raisedAt) => raisedAt !== undefined && raisedAt !== first,
    45_000,
  )
  expect(await getJson(b, '/subcloud-peer-groups/pg1')).toMatchObject({
    migration_status: null,
    system_leader_name: 'site-a',
  })
  expect(await getJson(b, '/subcloud-peer-groups/pg1/status')).toMatchObject({waiting_for_migrate: 1, managed: 0})
})
