import {afterAll, beforeAll, describe, expect, test} from '@jest/globals'

import {peerSites} from '../../src/lab/geo/site-peering.js'
import {getJson, seedPeerGroup, sendJson, startSite, waitForJson} from '../helpers/geo.js'
import {type TestLab, waitFor} from '../helpers/lab.js'
import {errorOf, patchSubcloud} from '../helpers/lab-requests.js'

/**
 * Two lab sites peered over loopback (issue 12, subcloud-lifecycle.md §7): heartbeats, association sync,
 * site A lost, migrate to B with one failing rehome and a second migrate, A back and its audit. One pair of
 * sites for the whole file; each step waits for the states it needs by polling.
 */
let a: TestLab
let b: TestLab
let dataDirA: string
let portA: number
let members: string[]

interface Peer {
  id: number
  'availability-state': string
}
interface Association {
  id: number
  'association-type': string
  'sync-status': string
  'sync-message'?: string | null
  'peer-group-priority': number | null
}
interface Subcloud {
  name: string
  'deploy-status': string
  'management-state': string
  'availability-status': string
  peer_group_id: number | null
}

beforeAll(async () => {
  a = await startSite('site-a', {keepDataDir: true})
  dataDirA = a.dataDir
  portA = a.port
  b = await startSite('site-b')
})
afterAll(async () => {
  await a?.stop()
  await b?.stop()
})

test('each site has its own identity in sysinv isystems', async () => {
  const systemA = (await (await a.api('/sysinv/RegionOne/v1/isystems')).json()) as {
    isystems: Array<{uuid: string; name: string; system_mode: string}>
  }
  const systemB = (await (await b.api('/sysinv/RegionOne/v1/isystems')).json()) as typeof systemA
  expect(systemA.isystems[0]).toMatchObject({name: 'site-a', uuid: a.geo.tables.system.uuid, system_mode: 'duplex'})
  expect(systemB.isystems[0]).toMatchObject({name: 'site-b', uuid: b.geo.tables.system.uuid})
  expect(systemA.isystems[0].uuid).not.toBe(systemB.isystems[0].uuid)
})

describe('two sites, one peer group', () => {
  test('peering: each site gets a system peer naming the other, availability created', async () => {
    const [onA, onB] = await peerSites(
      {authUrl: a.authUrl, adminPassword: a.password},
      {authUrl: b.authUrl, adminPassword: b.password},
      {heartbeatInterval: 10, heartbeatFailureThreshold: 3},
    )
    expect(onA.created && onB.created).toBe(true)
    const peerOnA = await getJson<Peer & Record<string, unknown>>(a, '/system-peers/site-b')
    expect(peerOnA).toMatchObject({'peer-uuid': b.geo.tables.system.uuid, 'availability-state': 'created'})
    expect(peerOnA['manager-endpoint']).toBe(b.authUrl)
    // Peering twice changes nothing.
    const again = await peerSites(
      {authUrl: a.authUrl, adminPassword: a.password},
      {authUrl: b.authUrl, adminPassword: b.password},
    )
    expect(again.map((site) => site.created)).toEqual([false, false])
  })

  test('association: syncing, then in-sync on both sites; B holds secondary copies', async () => {
    members = await seedPeerGroup(a, 'pg1', 3)
    const created = await sendJson(a, 'POST', '/peer-group-associations', {
      peer_group_id: 1,
      system_peer_id: 1,
      peer_group_priority: 2,
    })
    expect(created.status).toBe(200)
    expect(await created.json()).toMatchObject({'association-type': 'primary', 'sync-status': 'syncing'})
    await waitForJson<Association>(a, '/peer-group-associations/1', (body) => body['sync-status'] === 'in-sync')
    const onB = await waitForJson<{peer_group_associations: Association[]}>(
      b,
      '/peer-group-associations',
      (body) => body.peer_group_associations[0]?.['sync-status'] === 'in-sync',
    )
    expect(onB.peer_group_associations[0]).toMatchObject({
      'association-type': 'non-primary',
      'peer-group-priority': null,
    })
    expect(await getJson(b, '/subcloud-peer-groups/pg1')).toMatchObject({
      group_priority: 2,
      system_leader_id: a.geo.tables.system.uuid,
      system_leader_name: 'site-a',
    })
    const copies = await getJson<{subclouds: Subcloud[]}>(b, '/subcloud-peer-groups/pg1/subclouds')
    expect(copies.subclouds.map((copy) => [copy.name, copy['deploy-status'], copy['management-state']])).toEqual(
      members.map((name) => [name, 'secondary', 'unmanaged']),
    )
    expect(await getJson(b, '/subcloud-peer-groups/pg1/status')).toMatchObject({
      total_subclouds: 3,
      waiting_for_migrate: 3,
      unmanaged: 3,
      managed: 0,
    })
    // Both sides monitor each other once associated.
    await waitForJson<Peer>(a, '/system-peers/1', (peer) => peer['availability-state'] === 'available')
    await waitForJson<Peer>(b, '/system-peers/1', (peer) => peer['availability-state'] === 'available')
  })

  test('members are locked on the primary; the non-primary site refuses group updates and syncs', async () => {
    expect(await errorOf(await patchSubcloud(a, members[0], {'management-state': 'unmanaged'}))).toEqual({
      status: 400,
      description: 'Cannot update the management state of a subcloud that is associated with a peer group.',
    })
    expect(await errorOf(await a.api(`/dcmanager/v1.0/subclouds/${members[0]}`, {method: 'DELETE'}))).toEqual({
      status: 400,
      description: "Cannot delete a subcloud that is 'managed' status",
    })
    expect(
      await errorOf(await sendJson(b, 'PATCH', '/subcloud-peer-groups/pg1', {'max-subcloud-rehoming': 5})),
    ).toEqual({status: 400, description: 'Cannot update a peer group from a non-primary site.'})
    expect(await errorOf(await sendJson(b, 'PATCH', '/peer-group-associations/1/sync'))).toEqual({
      status: 400,
      description:
        'Peer Group Association sync is not allowed when the association type is non-primary. But the peer monitor notify was triggered.',
    })
  })

  test('a member update on the primary puts the association out-of-sync, with the info message', async () => {
    const response = await patchSubcloud(a, members[0], {description: 'moved rack'})
    expect(response.status).toBe(200)
    const body = (await response.json()) as {info_message: string}
    expect(body.info_message).toBe(
      'The operation has caused the SPG to be out-of-sync. Please run peer-group-association sync command to push the subcloud peer group changes to the peer site:\n$ dcmanager peer-group-association sync 1\n',
    )
    expect(await getJson(a, '/peer-group-associations/1')).toMatchObject({'sync-status': 'out-of-sync'})
    expect(await getJson<{peer_group_associations: Association[]}>(b, '/peer-group-associations')).toMatchObject({
      peer_group_associations: [{'sync-status': 'out-of-sync'}],
    })
    expect((await sendJson(a, 'PATCH', '/peer-group-associations/1/sync')).status).toBe(200)
    await waitForJson<Association>(a, '/peer-group-associations/1', (body) => body['sync-status'] === 'in-sync')
  })

  test('site A stops: B sees it unavailable after the threshold, alarm 280.004 critical; B association unchanged', async () => {
    await a.stop()
    await waitForJson<Peer>(b, '/system-peers/1', (peer) => peer['availability-state'] === 'unavailable')
    const alarm = b.geo.tables.alarms.find((item) => item.alarmId === '280.004')
    expect(alarm).toMatchObject({
      severity: 'critical',
      text: `Peer site-a (peer_uuid=${a.geo.tables.system.uuid}) is in disconnected state. The following subcloud peer groups are impacted: pg1.`,
    })
    expect(await getJson<{peer_group_associations: Association[]}>(b, '/peer-group-associations')).toMatchObject({
      peer_group_associations: [{'sync-status': 'in-sync'}],
    })
  })

  test('migrate to B with one failing rehome, then a second migrate', async () => {
    b.geo.rehomeFaults.set(members[1], 'TASK [rehome : wait for the subcloud] timed out')
    const response = await sendJson(b, 'PATCH', '/subcloud-peer-groups/pg1/migrate', {
      sysadmin_password: Buffer.from('St8rlingX*').toString('base64'),
    })
    expect(response.status).toBe(200)
    const listed = (await response.json()) as {subclouds: Subcloud[]}
    expect(listed.subclouds.map((copy) => copy['deploy-status'])).toEqual(['secondary', 'secondary', 'secondary'])
    const status = await waitForJson<Record<string, number>>(
      b,
      '/subcloud-peer-groups/pg1/status',
      (body) => body.managed === 2 && body.rehome_failed === 1,
    )
    expect(status).toMatchObject({total_subclouds: 3, complete: 2, waiting_for_migrate: 0, rehoming: 0})
    const failed = await getJson<Subcloud & {'error-description': string}>(b, `/subclouds/${members[1]}`)
    expect(failed['deploy-status']).toBe('rehome-failed')
    expect(failed['error-description']).toContain(`FAILED rehoming playbook of (${members[1]}).`)
    await waitForJson<Record<string, unknown>>(
      b,
      '/subcloud-peer-groups/pg1',
      (group) => group.migration_status === 'complete',
    )

    const second = await sendJson(b, 'PATCH', '/subcloud-peer-groups/pg1/migrate', {
      sysadmin_password: Buffer.from('St8rlingX*').toString('base64'),
    })
    expect(((await second.json()) as {subclouds: Subcloud[]}).subclouds.map((copy) => copy.name)).toEqual([members[1]])
    await waitForJson<Record<string, number>>(b, '/subcloud-peer-groups/pg1/status', (body) => body.managed === 3)
    const list = await getJson<{subclouds: Subcloud[]}>(b, '/subclouds')
    expect(
      list.subclouds.map((item) => [item['management-state'], item['availability-status'], item['deploy-status']]),
    ).toEqual(members.map(() => ['managed', 'online', 'complete']))
    expect(await getJson(b, '/subcloud-peer-groups/pg1')).toMatchObject({
      system_leader_id: b.geo.tables.system.uuid,
      system_leader_name: 'site-b',
      group_priority: 2,
    })
  })

  test('A back: its audit makes its members secondary, B leads pg1, 280.005 on A', async () => {
    // On its old port: B's system peer record names A's Keystone by URL.
    a = await startSite('site-a', {dataDir: dataDirA, port: portA, keepDataDir: true})
    await waitFor(
      async () => (await getJson<{subclouds: Subcloud[]}>(a, '/subclouds')).subclouds,
      (list) => list.every((item) => item['deploy-status'] === 'secondary'),
      45_000,
    )
    const list = await getJson<{subclouds: Subcloud[]}>(a, '/subclouds')
    expect(list.subclouds.map((item) => [item['management-state'], item['availability-status']])).toEqual(
      members.map(() => ['unmanaged', 'offline']),
    )
    await waitForJson<Record<string, unknown>>(
      a,
      '/subcloud-peer-groups/pg1',
      (group) => group.system_leader_name === 'site-b',
    )
    expect(a.geo.tables.alarms.find((item) => item.alarmId === '280.005')?.text).toBe(
      `Subcloud peer group (peer_group_name=pg1) is managed by remote system peer (peer_uuid=${b.geo.tables.system.uuid}) with a lower priority.`,
    )
    await waitForJson<Peer>(b, '/system-peers/1', (peer) => peer['availability-state'] === 'available')
    expect(await errorOf(await sendJson(a, 'PATCH', '/peer-group-associations/1/sync'))).toEqual({
      status: 400,
      description:
        'Peer Group Association sync is not allowed when the subcloud peer group system_leader_id is not the current system controller UUID.',
    })
  })
})
