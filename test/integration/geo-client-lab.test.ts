import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {afterAll, beforeAll, describe, expect, test} from '@jest/globals'

import {seedFleet} from '../../src/lab/scenarios/fleet.js'
import {seededBootstrapValues, startSite, waitForJson} from '../helpers/geo.js'
import {dcmInProcess} from '../helpers/in-process.js'
import {type TestLab, waitFor} from '../helpers/lab.js'

/**
 * Issue 12, the client against the lab's two sites (geo-lab): the whole geo-redundant flow driven through dcm's
 * commands only, as an operator would: each site a system peer of the other, a peer group of 3 subclouds on A
 * associated with B, `sync --wait`, `show --health` from both sides, A stopped and seen unavailable from B, then
 * `migrate --wait` on B with one rehome failing (exit 1, the list all the same) and a second `migrate --wait`
 * (exit 0). One pair of sites for the file; every wait polls with generous limits.
 */
let a: TestLab
let b: TestLab
let scratch: string
let members: string[]
const GROUP = 'pg-geo'

const on = (site: TestLab, extra: Record<string, string> = {}) => ({
  ...site.env,
  DCM_SYSADMIN_PASSWORD: 'St8rlingX*',
  ...extra,
})
const dcm = (site: TestLab, ...words: string[]) => dcmInProcess(words, on(site))
const ok = async (site: TestLab, ...words: string[]) => {
  const result = await dcm(site, ...words)
  expect({words, code: result.code, stderr: result.stderr}).toEqual({words, code: 0, stderr: result.stderr})
  return result
}
const json = async <T = Record<string, unknown>>(site: TestLab, ...words: string[]) =>
  JSON.parse((await ok(site, ...words, '-f', 'json')).stdout) as T

async function systemOf(site: TestLab): Promise<{uuid: string; name: string}> {
  const body = (await (await site.api('/sysinv/RegionOne/v1/isystems')).json()) as {
    isystems: Array<{uuid: string; name: string}>
  }
  return body.isystems[0]
}

beforeAll(async () => {
  scratch = mkdtempSync(path.join(os.tmpdir(), 'dcm-geo-client-'))
  a = await startSite('site-a')
  b = await startSite('site-b')
})
afterAll(async () => {
  await a?.stop()
  await b?.stop()
  rmSync(scratch, {recursive: true, force: true})
})

describe('geo-redundancy through dcm on two lab sites', () => {
  test('each site adds the other as a system peer (system-peer add, list, show)', async () => {
    for (const [here, there, name] of [
      [a, b, 'site-b'],
      [b, a, 'site-a'],
    ] as const) {
      const peer = await systemOf(there)
      const added = await dcmInProcess(
        [
          'system-peer',
          'add',
          '--peer-uuid',
          peer.uuid,
          '--peer-name',
          name,
          '--manager-endpoint',
          there.authUrl,
          '--peer-controller-gateway-address',
          '192.168.204.1',
          '--heartbeat-interval',
          '10',
          '-f',
          'json',
        ],
        on(here, {DCM_PEER_MANAGER_PASSWORD: there.password}),
      )
      expect({code: added.code, stderr: added.stderr}).toEqual({code: 0, stderr: ''})
      expect(JSON.parse(added.stdout)).toMatchObject({
        'peer uuid': peer.uuid,
        'peer name': name,
        'manager endpoint': there.authUrl,
        'availability state': 'created',
      })
    }
    expect(await json<Array<Record<string, unknown>>>(a, 'system-peer', 'list')).toEqual([
      expect.objectContaining({id: 1, 'peer name': 'site-b'}),
    ])
    const refused = await dcmInProcess(
      [
        'system-peer',
        'add',
        '--peer-uuid',
        (await systemOf(b)).uuid,
        '--peer-name',
        'site-b',
        '--manager-endpoint',
        b.authUrl,
        '--peer-controller-gateway-address',
        '192.168.204.1',
      ],
      on(a, {DCM_PEER_MANAGER_PASSWORD: b.password}),
    )
    expect({code: refused.code, stderr: refused.stderr}).toEqual({
      code: 1,
      stderr: 'Error: Unable to add system peer: A system peer with this UUID already exists (HTTP 409)\n',
    })
  })

  test('a peer group of 3 subclouds on A (subcloud-peer-group add, subcloud update --peer-group)', async () => {
    const group = await json(a, 'subcloud-peer-group', 'add', '--peer-group-name', GROUP)
    expect(group).toMatchObject({peer_group_name: GROUP, group_priority: 0, system_leader_name: 'site-a'})
    members = await seedFleet(a.store, {count: 3, prefix: 'geo-sc'})
    for (const name of members) {
      await waitFor(
        () => a.store.subcloudByName(name)?.availabilityStatus,
        (status) => status === 'online',
        60_000,
      )
      const values = path.join(scratch, `${name}.yml`)
      writeFileSync(values, seededBootstrapValues(a, name))
      const address = a.store.subcloudByName(name)!.bootstrapAddress
      await ok(
        a,
        'subcloud',
        'update',
        name,
        '--peer-group',
        GROUP,
        '--bootstrap-values',
        values,
        '--bootstrap-address',
        address,
      )
    }
    const listed = await json<Array<Record<string, unknown>>>(a, 'subcloud-peer-group', 'list-subclouds', GROUP)
    expect(listed.map((subcloud) => subcloud.name)).toEqual(members)
    expect(await json(a, 'subcloud-peer-group', 'status', GROUP)).toMatchObject({total_subclouds: 3, managed: 3})
  })

  test('associated with B and synced (peer-group-association add, sync --wait, list, show)', async () => {
    const group = await json(a, 'subcloud-peer-group', 'show', GROUP)
    const added = await json(
      a,
      'peer-group-association',
      'add',
      '--peer-group-id',
      String(group.id),
      '--system-peer-id',
      '1',
      '--peer-group-priority',
      '2',
    )
    expect(added).toMatchObject({association_type: 'primary', peer_group_priority: 2})
    // The add starts a sync; let it end before asking for another.
    await waitForJson<Record<string, unknown>>(
      a,
      `/peer-group-associations/${added.id}`,
      (body) => body['sync-status'] !== 'syncing',
    )
    const synced = await dcm(a, 'peer-group-association', 'sync', String(added.id), '--wait', '-f', 'json')
    expect(synced.code).toBe(0)
    expect(JSON.parse(synced.stdout)).toMatchObject({sync_status: 'in-sync'})
    expect(await json<Array<Record<string, unknown>>>(b, 'peer-group-association', 'list')).toEqual([
      expect.objectContaining({type: 'non-primary', sync_status: 'in-sync'}),
    ])
    expect(await json(b, 'subcloud-peer-group', 'status', GROUP)).toMatchObject({
      total_subclouds: 3,
      waiting_for_migrate: 3,
    })
    // Secondary copies are hidden from B's subcloud list unless --all.
    // (-f json prints dcmanager's <none> row for an empty list; --json is dcm's empty list.)
    expect(JSON.parse((await ok(b, 'subcloud', 'list', '--json')).stdout)).toEqual([])
    expect((await json<unknown[]>(b, 'subcloud', 'list', '--all')).length).toBe(3)
  })

  test('system-peer show --health: both sides available, the associations on each', async () => {
    await waitForJson<Record<string, unknown>>(
      a,
      '/system-peers/1',
      (peer) => peer['availability-state'] === 'available',
    )
    await waitForJson<Record<string, unknown>>(
      b,
      '/system-peers/1',
      (peer) => peer['availability-state'] === 'available',
    )
    const health = await dcmInProcess(
      ['system-peer', 'show', 'site-b', '--health', '-f', 'json'],
      on(a, {DCM_PEER_MANAGER_PASSWORD: b.password}),
    )
    expect(health.code).toBe(0)
    expect(JSON.parse(health.stdout)).toMatchObject({
      'availability seen here': 'available',
      'availability seen by peer': 'available',
      'associations here': expect.stringMatching(/primary in-sync/),
      'associations at peer': expect.stringMatching(/non-primary in-sync/),
    })
  })

  test('A stops: B sees it unavailable; --health from B says A cannot be reached', async () => {
    await a.stop()
    await waitFor(
      async () => (await json(b, 'system-peer', 'show', 'site-a'))['availability state'],
      (state) => state === 'unavailable',
      60_000,
    )
    const health = await dcmInProcess(
      ['system-peer', 'show', 'site-a', '--health', '-f', 'json'],
      on(b, {DCM_PEER_MANAGER_PASSWORD: a.password}),
    )
    expect(health.code).toBe(0)
    const view = JSON.parse(health.stdout) as Record<string, string>
    expect(view['availability seen here']).toBe('unavailable')
    expect(view['availability seen by peer']).toMatch(/^unreachable: /)
  })

  test('migrate --wait on B: one rehome fails (exit 1, all listed), a second migrate --wait rehomes it (exit 0)', async () => {
    // What `dcm lab subcloud set NAME --site site-b --fail-rehome REASON` sets: the next rehome there fails, once.
    b.store.subcloudByName(members[1])!.rehomeFault = 'TASK [rehome : wait for the subcloud] timed out'
    const first = await dcm(
      b,
      'subcloud-peer-group',
      'migrate',
      GROUP,
      '--wait',
      '-f',
      'value',
      '-c',
      'name',
      '-c',
      'deploy_status',
    )
    expect(first.code).toBe(1)
    expect(first.stderr).toContain(
      `Error: subcloud peer group ${GROUP}: 1 of 3 subclouds failed to rehome (${members[1]}: rehome-failed)`,
    )
    expect(first.stdout.split('\n').filter(Boolean).sort()).toEqual(
      [`${members[0]} complete`, `${members[1]} rehome-failed`, `${members[2]} complete`].sort(),
    )
    expect(b.store.subcloudByName(members[1])!.rehomeFault).toBeUndefined()
    const second = await dcm(b, 'subcloud-peer-group', 'migrate', GROUP, '--wait', '-f', 'json')
    expect({code: second.code, stderr: second.stderr.split('\n').filter((line) => line.startsWith('Error'))}).toEqual({
      code: 0,
      stderr: [],
    })
    expect((JSON.parse(second.stdout) as Array<Record<string, unknown>>).map((subcloud) => subcloud.name)).toEqual([
      members[1],
    ])
    const list = await json<Array<Record<string, unknown>>>(b, 'subcloud', 'list')
    expect(list.map((subcloud) => [subcloud.name, subcloud.management, subcloud.availability]).sort()).toEqual(
      members.map((name) => [name, 'managed', 'online']).sort(),
    )
    expect(await json(b, 'subcloud-peer-group', 'show', GROUP)).toMatchObject({system_leader_name: 'site-b'})
  })

  test("B's other commands: update, list-subcloud-peer-groups, and the server's refusals in its words", async () => {
    const updated = await json(b, 'system-peer', 'update', 'site-a', '--heartbeat-interval', '20')
    expect(updated).toMatchObject({'peer name': 'site-a', 'heartbeat interval': 20})
    expect(await json<Array<Record<string, unknown>>>(b, 'system-peer', 'list-subcloud-peer-groups', 'site-a')).toEqual(
      [expect.objectContaining({peer_group_name: GROUP})],
    )
    const refusals: Array<[string[], string]> = [
      [
        ['system-peer', 'delete', 'site-a'],
        'Error: Unable to delete system peer site-a: Cannot delete a system peer which is associated with peer group. (HTTP 400)',
      ],
      [
        ['subcloud-peer-group', 'delete', GROUP],
        `Error: Unable to delete subcloud peer group ${GROUP}: Cannot delete a peer group which is associated with a system peer. (HTTP 400)`,
      ],
      [
        ['subcloud-peer-group', 'update', GROUP, '--max-subcloud-rehoming', '5'],
        `Error: Unable to update subcloud peer group ${GROUP}: Cannot update a peer group from a non-primary site. (HTTP 400)`,
      ],
      [
        ['system-peer', 'show', 'nowhere'],
        'Error: Unable to show system peer nowhere: System Peer not found (HTTP 404)',
      ],
      [
        ['peer-group-association', 'show', '99'],
        'Error: Unable to show peer group association 99: Peer Group Association not found (HTTP 404)',
      ],
    ]
    for (const [words, message] of refusals) {
      const result = await dcm(b, ...words)
      expect({words, code: result.code, stderr: result.stderr}).toEqual({words, code: 1, stderr: `${message}\n`})
    }
  })
})
