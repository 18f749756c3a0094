import {spawn} from 'node:child_process'
import path from 'node:path'

import {afterAll, beforeAll, beforeEach, describe, expect, it} from '@jest/globals'

import {FaultServer, json, subcloudRecord, failure} from '../faults/fault-server.js'
import {repoRoot} from '../helpers/cli.js'
import {dcmInProcess} from '../helpers/in-process.js'

/**
 * Issue 12, the client's own behaviour: bad input to the geo-redundancy commands is exit 2 with one line and
 * nothing sent (the counting fault server sees no request, Keystone included); `--wait` on
 * `peer-group-association sync` and `subcloud-peer-group migrate` follows the state the server reports from poll
 * to poll (the fault server answers a scripted sequence) to exit 0, 1 or 4, and Ctrl-C is 130.
 */
const server = new FaultServer()
const api = '/dcmanager/v1.0'
const env = (extra: Record<string, string> = {}) =>
  server.env({DCM_PEER_MANAGER_PASSWORD: 'Peer-Pw-1', DCM_SYSADMIN_PASSWORD: 'Sysadmin-Pw-1', ...extra})
const dcm = (...words: string[]) => dcmInProcess(words, env())

beforeAll(async () => {
  await server.start()
})
afterAll(async () => {
  await server.stop()
})
beforeEach(() => server.reset())

/** Run the built CLI and send it SIGINT once its stderr shows `marker` (an operator's Ctrl-C). */
async function interruptWhen(args: string[], marker: string): Promise<{code: number | null; stderr: string}> {
  const child = spawn(process.execPath, [path.join(repoRoot, 'bin', 'run.js'), ...args], {
    env: {...process.env, ...env(), NO_COLOR: '1'},
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let stderr = ''
  let interrupted = false
  const code = await new Promise<number | null>((resolve) => {
    child.stderr.on('data', (chunk) => {
      stderr += chunk
      if (!interrupted && stderr.includes(marker)) {
        interrupted = true
        child.kill('SIGINT')
      }
    })
    child.on('close', resolve)
  })
  return {code, stderr}
}

/** `system-peer add` with valid flags, some replaced. */
const peerAdd = (replace: Record<string, string> = {}) =>
  Object.entries({
    '--peer-uuid': '22e8ce03-2691-4d6d-8960-59b7c7fc731e',
    '--peer-name': 'site-b',
    '--manager-endpoint': 'http://127.0.0.1:5000/v3',
    '--peer-controller-gateway-address': '192.168.204.1',
    ...replace,
  }).reduce<string[]>((args, [flag, value]) => [...args, flag, value], ['system-peer', 'add'])

describe('bad input is exit 2 with one line, nothing sent', () => {
  const refused: Array<[string[], string]> = [
    [peerAdd({'--peer-uuid': 'not-a-uuid'}), 'Error: Invalid peer uuid (--peer-uuid: "not-a-uuid" is not a UUID)'],
    [
      peerAdd({'--manager-endpoint': 'ftp://x'}),
      "Error: Invalid peer manager_endpoint (--manager-endpoint: an http:// or https:// URL of the peer's Keystone)",
    ],
    [
      peerAdd({'--peer-controller-gateway-address': '192.168.204'}),
      'Error: Invalid peer peer_controller_gateway_address (--peer-controller-gateway-address: "192.168.204" is not an IP address)',
    ],
    [
      peerAdd({'--heartbeat-interval': '5'}),
      'Error: Invalid peer heartbeat_interval (--heartbeat-interval: 5 is not within 10..600)',
    ],
    [
      peerAdd({'--heartbeat-failure-threshold': '31'}),
      'Error: Invalid peer heartbeat_failure_threshold (--heartbeat-failure-threshold: 31 is not within 1..30)',
    ],
    [
      peerAdd({'--heartbeat-maintenance-timeout': '299'}),
      'Error: Invalid peer heartbeat_maintenance_timeout (--heartbeat-maintenance-timeout: 299 is not within 300..36000)',
    ],
    [['system-peer', 'update', 'site-b'], 'Error: Nothing to update'],
    [['system-peer', 'show', ' '], 'Error: System peer cannot be an empty value.'],
    [['system-peer', 'delete', '  '], 'Error: System peer cannot be an empty value.'],
    [
      ['subcloud-peer-group', 'add', '--peer-group-name', 'none'],
      `Error: Invalid peer-group-name (--peer-group-name: "none": not digits only, not 'none', at most 255 characters, none of .*+?|()[]{}^$)`,
    ],
    [
      ['subcloud-peer-group', 'add', '--peer-group-name', '42'],
      `Error: Invalid peer-group-name (--peer-group-name: "42": not digits only, not 'none', at most 255 characters, none of .*+?|()[]{}^$)`,
    ],
    [
      ['subcloud-peer-group', 'add', '--peer-group-name', 'pg1', '--max-subcloud-rehoming', '0'],
      'Error: Invalid max-subcloud-rehoming (--max-subcloud-rehoming: 0 is not within 1..250)',
    ],
    [['subcloud-peer-group', 'update', 'pg1'], 'Error: Nothing to update'],
    [['subcloud-peer-group', 'status', ' '], 'Error: Subcloud peer group cannot be an empty value.'],
    [['peer-group-association', 'show', 'abc'], 'Error: Peer Group Association ID must be an integer'],
    [['peer-group-association', 'sync', '1x'], 'Error: Peer Group Association ID must be an integer'],
    [
      ['peer-group-association', 'update', '1', '--peer-group-priority', '0'],
      'Error: Invalid peer_group_priority (--peer-group-priority: 0 is not within 1..65536)',
    ],
    [
      [
        'peer-group-association',
        'add',
        '--peer-group-id',
        '1',
        '--system-peer-id',
        '1',
        '--peer-group-priority',
        '65537',
      ],
      'Error: Invalid peer_group_priority (--peer-group-priority: 65537 is not within 1..65536)',
    ],
  ]

  it.each(refused)('dcm %j', async (args, message) => {
    const result = await dcm(...args)
    expect({code: result.code, stderr: result.stderr.split('\n')[0]}).toEqual({code: 2, stderr: message})
    expect(server.requests).toHaveLength(0)
  })

  it('a password that no flag, stdin or variable gives, without a terminal: exit 2 naming the ways', async () => {
    const result = await dcmInProcess(peerAdd(), server.env())
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('the manager password is required: no terminal to prompt on')
    expect(result.stderr).toContain('--manager-password, --manager-password-stdin, DCM_PEER_MANAGER_PASSWORD')
    expect(server.requests).toHaveLength(0)
  })

  it('deletes refuse without a terminal when CLI_CONFIRMATIONS=enabled and --yes is absent', async () => {
    for (const args of [
      ['system-peer', 'delete', 'site-b'],
      ['subcloud-peer-group', 'delete', 'pg1'],
      ['peer-group-association', 'delete', '1'],
    ]) {
      const result = await dcmInProcess(args, env({CLI_CONFIRMATIONS: 'enabled'}))
      expect({args, code: result.code}).toEqual({args, code: 2})
      expect(result.stderr).toContain('Hint: pass --yes')
    }
    expect(server.requests).toHaveLength(0)
  })

  it('--debug shows the exchange with the manager password redacted, plain and base64', async () => {
    server.on('POST', `${api}/system-peers`, failure(409, 'A system peer with this UUID already exists'))
    const result = await dcmInProcess([...peerAdd(), '--debug'], env({DCM_PEER_MANAGER_PASSWORD: 'Peer-Secret-42'}))
    expect(result.code).toBe(1)
    expect(result.stderr).toContain('POST')
    expect(result.stderr).toContain('"manager_password":"<redacted>"')
    for (const leak of ['Peer-Secret-42', Buffer.from('Peer-Secret-42').toString('base64')])
      expect(result.stdout + result.stderr).not.toContain(leak)
  })

  it("server refusals keep the server's words behind upstream's context (exit 1)", async () => {
    server.on(
      'DELETE',
      `${api}/system-peers/site-b`,
      failure(400, 'Cannot delete a system peer which is associated with peer group.'),
    )
    const result = await dcm('system-peer', 'delete', 'site-b')
    expect(result.code).toBe(1)
    expect(result.stderr).toContain(
      'Error: Unable to delete system peer site-b: Cannot delete a system peer which is associated with peer group.',
    )
  })
})

const association = (sync: string, message: string | null = null) => ({
  id: 1,
  'peer-group-id': 1,
  'system-peer-id': 2,
  'peer-group-priority': 2,
  'association-type': 'primary',
  'sync-status': sync,
  'sync-message': message,
  'created-at': '2026-12-03 10:00:00.000000',
  'updated-at': null,
})

describe('peer-group-association sync --wait', () => {
  const sync = (...extra: string[]) =>
    dcm(
      'peer-group-association',
      'sync',
      '1',
      '--wait',
      ...(extra.includes('--poll-interval') ? [] : ['--poll-interval', '10']),
      ...extra,
    )

  it('follows syncing to in-sync: exit 0, the association as it is now', async () => {
    server.on('PATCH', `${api}/peer-group-associations/1/sync`, json(association('syncing')))
    server.on(
      'GET',
      `${api}/peer-group-associations/1`,
      json(association('syncing')),
      json(association('syncing')),
      json(association('in-sync')),
    )
    const result = await sync('-f', 'value', '-c', 'sync_status')
    expect({code: result.code, stdout: result.stdout}).toEqual({code: 0, stdout: 'in-sync\n'})
    // Without a terminal: one timestamped line per change on stderr.
    expect(result.stderr.match(/peer group association 1: (\S+),/g)).toEqual([
      'peer group association 1: syncing,',
      'peer group association 1: in-sync,',
    ])
  })

  it('a failed sync is exit 1 with the sync message', async () => {
    server.on('PATCH', `${api}/peer-group-associations/1/sync`, json(association('syncing')))
    server.on(
      'GET',
      `${api}/peer-group-associations/1`,
      json(association('syncing')),
      json(association('failed', 'Failed to sync [subcloud2] in the Subcloud Peer Group pg1.')),
    )
    const result = await sync('--quiet')
    expect(result.code).toBe(1)
    expect(result.stderr).toBe(
      'Error: peer group association 1 sync ended failed: Failed to sync [subcloud2] in the Subcloud Peer Group pg1.\n' +
        "Hint: fix the cause, then run 'dcm peer-group-association sync 1' again\n",
    )
  })

  it('still syncing at --timeout is exit 4', async () => {
    server.on('PATCH', `${api}/peer-group-associations/1/sync`, json(association('syncing')))
    server.on('GET', `${api}/peer-group-associations/1`, json(association('syncing')))
    const result = await sync('--quiet', '--timeout', '1', '--poll-interval', '200')
    expect(result.code).toBe(4)
    expect(result.stderr).toContain('Error: peer group association 1 is still syncing after 1 s')
  })

  it('Ctrl-C is exit 130 and says the sync goes on', async () => {
    server.on('PATCH', `${api}/peer-group-associations/1/sync`, json(association('syncing')))
    server.on('GET', `${api}/peer-group-associations/1`, json(association('syncing')))
    const result = await interruptWhen(
      ['peer-group-association', 'sync', '1', '--wait', '--poll-interval', '50'],
      'peer group association 1: syncing',
    )
    expect(result.code).toBe(130)
    expect(result.stderr).toContain('Error: stopped waiting for peer group association 1')
    expect(result.stderr).toContain(
      "the sync continues on the System Controller; follow it with 'dcm peer-group-association show 1'",
    )
  })
})

describe('subcloud-peer-group migrate --wait', () => {
  const group = (migration: string | null) => ({
    id: 1,
    peer_group_name: 'pg1',
    group_priority: 0,
    group_state: 'enabled',
    max_subcloud_rehoming: 10,
    system_leader_id: 'fba24562-e071-4c09-8616-a96bc19702f3',
    system_leader_name: 'site-b',
    migration_status: migration,
    'created-at': '2026-12-03 10:00:00.000000',
    'updated-at': null,
  })
  const member = (name: string, status: string, stamp: string | null = null, management = 'unmanaged') =>
    subcloudRecord({
      name,
      'deploy-status': status,
      'updated-at': stamp,
      'management-state': management,
      peer_group_id: 1,
    })
  const migrate = (...extra: string[]) =>
    dcm(
      'subcloud-peer-group',
      'migrate',
      'pg1',
      '--wait',
      ...(extra.includes('--poll-interval') ? [] : ['--poll-interval', '10']),
      ...extra,
    )

  it('every subcloud rehomed and the batch over: exit 0, the subclouds as they are now', async () => {
    server.on(
      'PATCH',
      `${api}/subcloud-peer-groups/pg1/migrate`,
      json({subclouds: [member('sc1', 'secondary'), member('sc2', 'rehome-failed', 't0')]}),
    )
    server.on(
      'GET',
      `${api}/subcloud-peer-groups/pg1`,
      json(group(null)),
      json(group('migrating')),
      json(group('complete')),
    )
    server.on(
      'GET',
      `${api}/subcloud-peer-groups/pg1/subclouds`,
      // The first poll still reads sc2's failure from the previous migration: not final.
      json({subclouds: [member('sc1', 'secondary'), member('sc2', 'rehome-failed', 't0')]}),
      json({subclouds: [member('sc1', 'rehoming', 't1'), member('sc2', 'pre-rehome', 't1')]}),
      json({subclouds: [member('sc1', 'complete', 't2', 'managed'), member('sc2', 'complete', 't2', 'managed')]}),
    )
    const result = await migrate('-c', 'name', '-c', 'management', '-c', 'deploy_status', '-f', 'csv')
    expect({code: result.code, stdout: result.stdout}).toEqual({
      code: 0,
      stdout: '"name","management","deploy_status"\n"sc1","managed","complete"\n"sc2","managed","complete"\n',
    })
    expect(result.stderr).toContain('pg1: complete: 2 of 2 rehomed, 0 failed, 0 in progress')
  })

  it('a subcloud failing to rehome: exit 1 naming it', async () => {
    server.on(
      'PATCH',
      `${api}/subcloud-peer-groups/pg1/migrate`,
      json({subclouds: [member('sc1', 'secondary'), member('sc2', 'secondary')]}),
    )
    server.on('GET', `${api}/subcloud-peer-groups/pg1`, json(group('migrating')), json(group('complete')))
    server.on(
      'GET',
      `${api}/subcloud-peer-groups/pg1/subclouds`,
      json({subclouds: [member('sc1', 'rehoming', 't1'), member('sc2', 'rehoming', 't1')]}),
      json({subclouds: [member('sc1', 'complete', 't2', 'managed'), member('sc2', 'rehome-failed', 't2')]}),
    )
    const result = await migrate('--quiet', '-f', 'value', '-c', 'name', '-c', 'deploy_status')
    expect(result.code).toBe(1)
    // Every subcloud as it ended, then the error.
    expect(result.stdout).toBe('sc1 complete\nsc2 rehome-failed\n')
    expect(result.stderr.split('\n')[0]).toBe(
      'Error: subcloud peer group pg1: 1 of 2 subclouds failed to rehome (sc2: rehome-failed)',
    )
  })

  it('still rehoming at --timeout is exit 4', async () => {
    server.on('PATCH', `${api}/subcloud-peer-groups/pg1/migrate`, json({subclouds: [member('sc1', 'secondary')]}))
    server.on('GET', `${api}/subcloud-peer-groups/pg1`, json(group('migrating')))
    server.on('GET', `${api}/subcloud-peer-groups/pg1/subclouds`, json({subclouds: [member('sc1', 'rehoming', 't1')]}))
    const result = await migrate('--quiet', '--timeout', '1', '--poll-interval', '200')
    expect(result.code).toBe(4)
    expect(result.stderr).toContain(
      'Error: subcloud peer group pg1 is still migrating after 1 s (1 of 1 subclouds not rehomed yet)',
    )
  })

  it('Ctrl-C is exit 130 and says the migration goes on', async () => {
    server.on('PATCH', `${api}/subcloud-peer-groups/pg1/migrate`, json({subclouds: [member('sc1', 'secondary')]}))
    server.on('GET', `${api}/subcloud-peer-groups/pg1`, json(group('migrating')))
    server.on('GET', `${api}/subcloud-peer-groups/pg1/subclouds`, json({subclouds: [member('sc1', 'rehoming', 't1')]}))
    const result = await interruptWhen(
      ['subcloud-peer-group', 'migrate', 'pg1', '--wait', '--poll-interval', '50'],
      'pg1: migrating: 0 of 1 rehomed',
    )
    expect(result.code).toBe(130)
    expect(result.stderr).toContain('Error: stopped waiting for subcloud peer group pg1')
    expect(result.stderr).toContain(
      "Hint: the migration continues on the System Controller; follow it with 'dcm subcloud-peer-group status pg1'",
    )
  })

  it("the server's refusal is exit 1 in its words", async () => {
    server.on(
      'PATCH',
      `${api}/subcloud-peer-groups/pg1/migrate`,
      failure(400, 'Nothing to migrate, no secondary, rehome-failed or rehome-prep-failed subcloud in peer group pg1'),
    )
    const result = await migrate()
    expect(result.code).toBe(1)
    expect(result.stderr).toContain(
      'Unable to migrate subcloud peer group pg1: Nothing to migrate, no secondary, rehome-failed or rehome-prep-failed subcloud in peer group pg1',
    )
  })
})

describe('system-peer show --health: both sides of the heartbeat', () => {
  const remote = new FaultServer()
  beforeAll(async () => {
    await remote.start()
  })
  afterAll(async () => {
    await remote.stop()
  })
  beforeEach(() => remote.reset())

  const record = (fields: Record<string, unknown>) => ({
    id: 1,
    'peer-uuid': 'b00d0863-c54e-4340-af4d-3e2093764276',
    'peer-name': 'site-b',
    'manager-endpoint': `${remote.url}/identity/v3`,
    'manager-username': 'admin',
    'peer-controller-gateway-address': '192.168.204.1',
    'administrative-state': 'enabled',
    'heartbeat-interval': 60,
    'heartbeat-failure-threshold': 3,
    'heartbeat-failure-policy': 'alarm',
    'heartbeat-maintenance-timeout': 600,
    'availability-state': 'available',
    'created-at': '2026-12-03 10:00:00.000000',
    'updated-at': null,
    ...fields,
  })
  const localUuid = '9c1f6a57-5a2a-4a55-9d2e-2b1c43d1e0aa'

  function serveLocal(): void {
    server.on('GET', `${api}/system-peers/site-b`, json(record({})))
    server.on(
      'GET',
      '/sysinv/v1/isystems',
      json({isystems: [{uuid: localUuid, name: 'site-a', system_mode: 'simplex'}]}),
    )
    server.on(
      'GET',
      `${api}/peer-group-associations`,
      json({peer_group_associations: [{...association('in-sync'), 'system-peer-id': 1}]}),
    )
  }

  it('both reachable: each side its record of the other, and its associations', async () => {
    serveLocal()
    const ofUs = record({
      id: 7,
      'peer-uuid': localUuid,
      'peer-name': 'site-a',
      'availability-state': 'available',
      'heartbeat-interval': 30,
    })
    remote.on('GET', `${api}/system-peers/${localUuid}`, json(ofUs))
    remote.on(
      'GET',
      `${api}/peer-group-associations`,
      json({
        peer_group_associations: [
          {...association('in-sync'), id: 4, 'system-peer-id': 7, 'association-type': 'non-primary'},
          {...association('in-sync'), id: 5, 'system-peer-id': 8},
        ],
      }),
    )
    const result = await dcmInProcess(['system-peer', 'show', 'site-b', '--health', '-f', 'json'], env())
    expect(result.code).toBe(0)
    expect(JSON.parse(result.stdout)).toEqual({
      peer: 'site-b (b00d0863-c54e-4340-af4d-3e2093764276)',
      'this site': `site-a (${localUuid})`,
      'availability seen here': 'available',
      'availability seen by peer': 'available',
      'heartbeat here': 'every 60 s, unavailable after 3 failures, policy alarm',
      'heartbeat at peer': 'every 30 s, unavailable after 3 failures, policy alarm',
      'associations here': '1: peer group 1 primary in-sync',
      'associations at peer': '4: peer group 1 non-primary in-sync',
    })
    // The peer was logged in to with the record's user and the given password, and asked nothing else.
    const login = remote.requests.find((r) => r.method === 'POST' && r.path.endsWith('/auth/tokens'))!
    expect(login.body.toString()).toContain('"name":"admin"')
    expect(login.body.toString()).toContain('"password":"Peer-Pw-1"')
    expect(remote.serviceRequests().map((r) => `${r.method} ${r.path}`)).toEqual(
      expect.arrayContaining([`GET ${api}/system-peers/${localUuid}`, `GET ${api}/peer-group-associations/`]),
    )
  })

  it('the peer down: this side still shown, the peer side says why (exit 0)', async () => {
    serveLocal()
    remote.keystoneFault = {kind: 'close-mid-body'}
    const result = await dcmInProcess(
      [
        'system-peer',
        'show',
        'site-b',
        '--health',
        '-f',
        'value',
        '-c',
        'availability seen here',
        '-c',
        'availability seen by peer',
      ],
      env({DCM_REQUEST_TIMEOUT: '5'}),
    )
    expect(result.code).toBe(0)
    const [here, there] = result.stdout.split('\n')
    expect(here).toBe('available')
    expect(there).toMatch(/^unreachable: /)
  })

  it('the peer without a record of this site says so', async () => {
    serveLocal()
    remote.on('GET', `${api}/system-peers/${localUuid}`, failure(404, 'System Peer not found'))
    remote.on('GET', `${api}/peer-group-associations`, json({peer_group_associations: []}))
    const result = await dcmInProcess(
      ['system-peer', 'show', 'site-b', '--health', '-f', 'value', '-c', 'availability seen by peer'],
      env(),
    )
    expect(result.stdout).toBe(
      `unreachable: the peer has no system peer for this site (UUID ${localUuid}): add one there with 'dcm system-peer add'\n`,
    )
  })
})
