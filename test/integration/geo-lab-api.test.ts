import {readFileSync} from 'node:fs'
import path from 'node:path'

import {afterAll, beforeAll, describe, expect, test} from '@jest/globals'
import {Ajv} from 'ajv'
import {parse} from 'yaml'

import {fixturesDir} from '../helpers/cli.js'
import {seedFleet} from '../../src/lab/scenarios/fleet.js'
import {getJson, seedPeerGroup, sendJson, startSite} from '../helpers/geo.js'
import type {TestLab} from '../helpers/lab.js'
import {errorOf, patchSubcloud} from '../helpers/lab-requests.js'

/**
 * The lab's geo-redundancy REST families on one site (dcmanager-api.md §2.9-2.11, subcloud-lifecycle.md §6):
 * the answers against the upstream reference (OpenAPI list schemas, the POST/PATCH examples' keys in order, the
 * api-ref samples' field sets), and every refusal with upstream's status and text, in upstream's order.
 */
const reference = path.join(fixturesDir, 'reference', 'dcmanager')
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a parsed YAML document navigated by path
const openapi = parse(readFileSync(path.join(reference, 'dc-openapi.yaml'), 'utf8')) as Record<string, any>
const sample = (name: string) =>
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- idem
  parse(readFileSync(path.join(reference, 'samples', name), 'utf8')) as Record<string, any>
const exampleKeys = (route: string, method: string) =>
  Object.keys(openapi.paths[route][method].responses['200'].content['application/json'].example as object)

let lab: TestLab
const PEER_UUID = 'b00d0863-c54e-4340-af4d-3e2093764276'

beforeAll(async () => {
  lab = await startSite('site-a')
})
afterAll(async () => {
  await lab?.stop()
})

function expectFieldsOf(sampleObject: Record<string, unknown>, actual: Record<string, unknown>) {
  expect(Object.keys(sampleObject).filter((key) => !(key in actual))).toEqual([])
  for (const [key, value] of Object.entries(sampleObject)) {
    if (value === null || actual[key] === null) continue
    expect({key, type: typeof actual[key]}).toEqual({key, type: typeof value})
  }
}

/**
 * As for the other lists (lab-contract.test.ts), the generated OpenAPI types these three lists as arrays of
 * strings, against its own examples and the server; validated with only the item type corrected.
 */
const MIS_TYPED_LISTS = ['system_peers', 'subcloud_peer_groups', 'peer_group_associations']

test('the reference still mis-types the three list schemas (the correction is needed)', () => {
  for (const name of MIS_TYPED_LISTS) expect(openapi.components.schemas[name].items).toEqual({type: 'string'})
})

function listValidator(route: string) {
  const ajv = new Ajv({strict: false, allErrors: true})
  const document = structuredClone(openapi)
  for (const name of MIS_TYPED_LISTS) document.components.schemas[name].items = {type: 'object'}
  ajv.addSchema({...document, $id: 'dc-openapi'})
  return ajv.compile({
    $ref: `dc-openapi#/paths/${route.replace(/\//g, '~1')}/get/responses/200/content/application~1json/schema`,
  })
}

const refusal = async (response: Promise<Response>) => errorOf(await response)

describe('system peers', () => {
  test('POST, GET, list, PATCH: the reference shapes', async () => {
    const created = await sendJson(lab, 'POST', '/system-peers', sample('system-peers/system-peers-post-request.json'))
    expect(created.status).toBe(200)
    const peer = (await created.json()) as Record<string, unknown>
    expect(Object.keys(peer)).toEqual(exampleKeys('/v1.0/system-peers', 'post'))
    expectFieldsOf(sample('system-peers/system-peers-post-response.json'), peer)
    expect(peer['availability-state']).toBe('created')
    expectFieldsOf(
      sample('system-peers/system-peer-get-response.json'),
      await getJson(lab, `/system-peers/${PEER_UUID}`),
    )
    const list = await getJson(lab, '/system-peers')
    const validate = listValidator('/v1.0/system-peers')
    expect(validate(list) ? null : validate.errors).toBeNull()
    const patched = await sendJson(lab, 'PATCH', '/system-peers/1', {heartbeat_interval: 20})
    const body = (await patched.json()) as Record<string, unknown>
    expect(Object.keys(body)).toEqual(exampleKeys('/v1.0/system-peers', 'patch'))
    expect(body['heartbeat-interval']).toBe(20)
    expect(await getJson(lab, '/system-peers/PeerDistributedCloud1/subcloud-peer-groups')).toEqual({
      subcloud_peer_groups: [],
    })
  })

  test('refusals in upstream order', async () => {
    const base = sample('system-peers/system-peers-post-request.json') as Record<string, unknown>
    const post = (body: unknown) => refusal(sendJson(lab, 'POST', '/system-peers', body))
    const bad = (description: string) => ({status: 400, description})
    expect(await refusal(lab.api('/dcmanager/v1.0/system-peers', {method: 'POST', body: '{'}))).toEqual(
      bad('Request body is malformed.'),
    )
    expect(await post([1])).toEqual(bad('Invalid request body format'))
    expect(await post({})).toEqual(bad('Body required'))
    expect(await post({...base, peer_uuid: 'nope', peer_name: '123'})).toEqual(bad('Invalid peer uuid'))
    expect(await post({...base, peer_name: '123'})).toEqual(bad('Invalid peer name'))
    expect(await post({...base, manager_endpoint: 'ftp://x'})).toEqual(bad('Invalid peer manager_endpoint'))
    expect(await post({...base, manager_username: ''})).toEqual(bad('Invalid peer manager_username'))
    expect(await post({...base, manager_password: ''})).toEqual(bad('Invalid peer manager_password'))
    expect(await post({...base, peer_controller_gateway_address: '1.2.3'})).toEqual(
      bad('Invalid peer peer_controller_gateway_address'),
    )
    expect(await post({...base, administrative_state: 'on'})).toEqual(bad('Invalid peer administrative_state'))
    expect(await post({...base, heartbeat_interval: 9})).toEqual(bad('Invalid peer heartbeat_interval'))
    expect(await post({...base, heartbeat_failure_threshold: 31})).toEqual(
      bad('Invalid peer heartbeat_failure_threshold'),
    )
    expect(await post({...base, heartbeat_failure_policy: 'panic'})).toEqual(
      bad('Invalid peer heartbeat_failure_policy'),
    )
    expect(await post({...base, heartbeat_maintenance_timeout: 299})).toEqual(
      bad('Invalid peer heartbeat_maintenance_timeout'),
    )
    // The uuid and the name are unique: either duplicate is the same 409.
    expect(await post(base)).toEqual({status: 409, description: 'A system peer with this UUID already exists'})
    expect(await post({...base, peer_uuid: '0b00d086-3c54-4e43-40af-4d3e20937642'})).toEqual({
      status: 409,
      description: 'A system peer with this UUID already exists',
    })
    expect(await refusal(sendJson(lab, 'PATCH', '/system-peers/1', {peer_name: ''}))).toEqual(bad('nothing to update'))
    expect(await refusal(sendJson(lab, 'PATCH', '/system-peers/9', {peer_name: 'x'}))).toEqual({
      status: 404,
      description: 'System Peer not found',
    })
    expect(await refusal(lab.api('/dcmanager/v1.0/system-peers/nobody'))).toEqual({
      status: 404,
      description: 'System Peer not found',
    })
  })
})

describe('subcloud peer groups', () => {
  test('POST defaults (leader = this site), GET, status, subclouds, PATCH: the reference shapes', async () => {
    const created = await sendJson(lab, 'POST', '/subcloud-peer-groups', {'peer-group-name': 'dc1-pg'})
    const group = (await created.json()) as Record<string, unknown>
    expect(Object.keys(group)).toEqual(exampleKeys('/v1.0/subcloud-peer-groups', 'post'))
    expect(group).toMatchObject({
      group_priority: 0,
      group_state: 'enabled',
      max_subcloud_rehoming: 10,
      system_leader_id: lab.geo.tables.system.uuid,
      system_leader_name: 'site-a',
      migration_status: null,
    })
    expectFieldsOf(
      sample('subcloud-peer-groups/subcloud-peer-group-get-response.json'),
      await getJson(lab, '/subcloud-peer-groups/1'),
    )
    const list = await getJson(lab, '/subcloud-peer-groups')
    const validate = listValidator('/v1.0/subcloud-peer-groups')
    expect(validate(list) ? null : validate.errors).toBeNull()
    expect(await getJson(lab, '/subcloud-peer-groups/dc1-pg/status')).toEqual({
      peer_group_id: 1,
      peer_group_name: 'dc1-pg',
      total_subclouds: 0,
      complete: 0,
      waiting_for_migrate: 0,
      rehoming: 0,
      rehome_failed: 0,
      managed: 0,
      unmanaged: 0,
    })
    expect(await getJson(lab, '/subcloud-peer-groups/1/subclouds')).toEqual({subclouds: []})
    const patched = await sendJson(lab, 'PATCH', '/subcloud-peer-groups/dc1-pg', {'max-subcloud-rehoming': 5})
    expect(Object.keys((await patched.json()) as object)).toEqual(exampleKeys('/v1.0/subcloud-peer-groups', 'patch'))
  })

  test('refusals in upstream order', async () => {
    const bad = (description: string) => ({status: 400, description})
    const post = (body: unknown) => refusal(sendJson(lab, 'POST', '/subcloud-peer-groups', body))
    expect(await post({})).toEqual(bad('Body required'))
    expect(await post({'peer-group-name': 'None'})).toEqual(bad('Invalid peer-group-name'))
    expect(await post({'peer-group-name': 'a.b'})).toEqual(bad('Invalid peer-group-name'))
    expect(await post({'peer-group-name': 'g', 'system-leader-id': 'x1'})).toEqual(bad('Invalid system-leader-id [x1]'))
    expect(await post({'peer-group-name': 'g', 'system-leader-name': '42'})).toEqual(bad('Invalid system-leader-name'))
    expect(await post({'peer-group-name': 'g', 'group-priority': 65537})).toEqual(bad('Invalid group-priority'))
    expect(await post({'peer-group-name': 'g', 'group-state': 'on'})).toEqual(bad('Invalid group-state'))
    expect(await post({'peer-group-name': 'g', 'max-subcloud-rehoming': 251})).toEqual(
      bad('Invalid max-subcloud-rehoming'),
    )
    expect(await post({'peer-group-name': 'dc1-pg'})).toEqual({
      status: 409,
      description: 'A subcloud peer group with this name already exists',
    })
    const patch = (ref: string, body: unknown) => refusal(sendJson(lab, 'PATCH', `/subcloud-peer-groups/${ref}`, body))
    expect(await patch('nope', {'group-state': 'disabled'})).toEqual({
      status: 404,
      description: 'Subcloud Peer Group not found',
    })
    expect(await patch('dc1-pg', {})).toEqual(bad('Body required'))
    expect(await patch('dc1-pg', {'peer-group-name': ''})).toEqual(bad('nothing to update'))
    expect(await patch('dc1-pg', {migration_status: 'done'})).toEqual(bad('Invalid migration_status'))
    // No effective change: the group as it is, nothing validated.
    expect((await sendJson(lab, 'PATCH', '/subcloud-peer-groups/dc1-pg', {'group-state': 'enabled'})).status).toBe(200)
    expect(await refusal(lab.api('/dcmanager/v1.0/subcloud-peer-groups/1/other'))).toEqual(bad('Invalid request'))
    const migrate = (body: unknown) => refusal(sendJson(lab, 'PATCH', '/subcloud-peer-groups/1/migrate', body))
    expect(await migrate({password: 'x'})).toEqual(
      bad('Unable to migrate subcloud peer group: 1 need sysadmin_password'),
    )
    expect(await migrate({sysadmin_password: 'eA=='})).toEqual(
      bad('Nothing to migrate, no secondary, rehome-failed or rehome-prep-failed subcloud in peer group dc1-pg'),
    )
    const audit = await refusal(
      sendJson(lab, 'PATCH', '/subcloud-peer-groups/1/audit', {peer_group_name: 'dc1-pg', peer_uuid: PEER_UUID}),
    )
    expect(audit).toEqual(bad('Unable to audit peer group dc1-pg, missing group_priority'))
  })

  test('members: joining needs rehome data; migrate lists what stops it; delete frees them', async () => {
    const [first] = await seedPeerGroup(lab, 'pg-members', 1)
    const group = lab.geo.tables.peerGroupByName('pg-members')!
    const [outsider] = await seedFleet(lab.store, {count: 1, prefix: 'outsider'})
    expect(await errorOf(await patchSubcloud(lab, outsider, {peer_group: 'pg-members'}))).toEqual({
      status: 400,
      description:
        'Cannot update the subcloud peer group: must provide both the bootstrap-values and bootstrap-address.',
    })
    expect(await errorOf(await patchSubcloud(lab, outsider, {bootstrap_address: '10.10.10.99'}))).toEqual({
      status: 422,
      description:
        'Bad subcloud request: Cannot update bootstrap_address into rehome data, need to import bootstrap_values first',
    })
    lab.store.updateSubcloud(lab.store.subcloudByName(first)!.id, {
      rehomeData: null,
      deployStatus: 'secondary',
      managementState: 'unmanaged',
    })
    const migrate = sendJson(lab, 'PATCH', `/subcloud-peer-groups/${group.id}/migrate`, {sysadmin_password: 'eA=='})
    expect(await refusal(migrate)).toEqual({
      status: 500,
      description: `Batch migrate subclouds error: ['Unable to migrate subcloud: ${first} required rehoming data is missing']`,
    })
    expect(await refusal(lab.api(`/dcmanager/v1.0/subclouds/${first}`, {method: 'DELETE'}))).toEqual({
      status: 400,
      description: 'Cannot delete a subcloud that is part of a peer group on this site',
    })
    expect((await sendJson(lab, 'DELETE', '/subcloud-peer-groups/pg-members')).status).toBe(200)
    expect(lab.store.subcloudByName(first)?.peerGroupId).toBeNull()
  })
})

describe('peer group associations', () => {
  test('create refusals in upstream order; the list has no sync-message', async () => {
    const bad = (description: string) => ({status: 400, description})
    const post = (body: unknown) => refusal(sendJson(lab, 'POST', '/peer-group-associations', body))
    expect(await post({})).toEqual(bad('Body required'))
    expect(await post({peer_group_id: 99, system_peer_id: 1})).toEqual(bad('Invalid peer_group_id'))
    expect(await post({peer_group_id: 1, system_peer_id: 99})).toEqual(bad('Invalid system_peer_id'))
    expect(await post({peer_group_id: 1, system_peer_id: 1, peer_group_priority: 0})).toEqual(
      bad('Invalid peer_group_priority'),
    )
    expect(await post({peer_group_id: 1, system_peer_id: 1})).toEqual(
      bad(
        'Peer Group Association create is not allowed when the subcloud peer group priority is greater than 0 and it is required when the subcloud peer group priority is 0.',
      ),
    )
    // The sample's peer is not a lab: the sync fails, and says why.
    const created = await sendJson(lab, 'POST', '/peer-group-associations', {
      peer_group_id: 1,
      system_peer_id: 1,
      peer_group_priority: 2,
    })
    const association = (await created.json()) as Record<string, unknown>
    expect(Object.keys(association)).toEqual(exampleKeys('/v1.0/peer-group-associations', 'post'))
    expect(association).toMatchObject({'association-type': 'primary', 'sync-status': 'syncing', 'sync-message': null})
    expect(await post({peer_group_id: 1, system_peer_id: 1, peer_group_priority: 3})).toEqual(
      bad('A Peer group association with same peer_group_id, system_peer_id already exists'),
    )
    const list = await getJson<{peer_group_associations: Array<Record<string, unknown>>}>(
      lab,
      '/peer-group-associations',
    )
    expect('sync-message' in list.peer_group_associations[0]).toBe(false)
    const validate = listValidator('/v1.0/peer-group-associations')
    expect(validate(list) ? null : validate.errors).toBeNull()
    expectFieldsOf(
      sample('peer-group-associations/association-get-response.json'),
      await getJson(lab, '/peer-group-associations/1'),
    )
  })

  test('update and delete refusals', async () => {
    const bad = (description: string) => ({status: 400, description})
    const patch = (id: string, body: unknown) => refusal(sendJson(lab, 'PATCH', `/peer-group-associations/${id}`, body))
    expect(await patch('x', {peer_group_priority: 2})).toEqual(bad('Peer Group Association ID must be an integer'))
    expect(await patch('9', {peer_group_priority: 2})).toEqual({
      status: 404,
      description: 'Peer Group Association not found',
    })
    expect(await patch('1', {foo: 1})).toEqual(bad('nothing to update'))
    expect(await patch('1', {peer_group_priority: 2, sync_status: 'in-sync'})).toEqual(
      bad('peer_group_priority and sync_status cannot be updated at the same time.'),
    )
    expect(await patch('1', {sync_status: 'great'})).toEqual(bad('Invalid sync_status'))
    expect(await patch('1', {sync_status: 'in-sync'})).toEqual(
      bad('Peer Group Association sync_status is not allowed to update when the association type is primary.'),
    )
    expect(await refusal(sendJson(lab, 'DELETE', '/system-peers/1'))).toEqual(
      bad('Cannot delete a system peer which is associated with peer group.'),
    )
    expect(await refusal(sendJson(lab, 'DELETE', '/subcloud-peer-groups/1'))).toEqual(
      bad('Cannot delete a peer group which is associated with a system peer.'),
    )
    // The sample's peer is off loopback, where the lab never connects: a 422 with the reason; nothing deleted.
    expect(await refusal(sendJson(lab, 'DELETE', '/peer-group-associations/1'))).toEqual({
      status: 422,
      description:
        'Unable to connect to http://128.128.128.1:5000: the dcm lab reaches peer sites on loopback only (127.0.0.0/8, ::1)',
    })
    expect(lab.geo.tables.associationById(1)).toBeDefined()
  })
})
