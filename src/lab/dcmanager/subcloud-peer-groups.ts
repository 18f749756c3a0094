import type {LabRequest, LabResponse} from '../http/http-types.js'
import {WebobError} from '../http/webob-error.js'
import type {LabStore} from '../lab-store.js'
import {peerGroupToApi} from '../geo/geo-api.js'
import type {PeerGroupRecord} from '../geo/geo-tables.js'
import {intInRange, isUuidValue, pythonInt, truthy, UnhandledServerError, validateName} from '../geo/geo-validation.js'
import {type LabGeo, PEER_USER_AGENT} from '../geo/lab-geo.js'
import {pythonListRepr, readyToMigrate} from '../geo/peer-group-members.js'
import {type DcmanagerFamily, json, requireGeo, revisionCache, toApi} from './dcmanager-http.js'

/**
 * `/v1.0/subcloud-peer-groups` (dcmanager-api.md §2.10, subcloud-lifecycle.md §6.3, §6.6, §6.7): list, show, the
 * members and their status counts, create (led by this site unless told otherwise), update (refused on a site
 * where the group is not primary unless a peer asks; name/state/max-rehoming pushed to the peers first),
 * migrate (rehome the ready members to this site), the peers' audit, delete.
 */
export const subcloudPeerGroupRoutes: DcmanagerFamily = (context) => {
  const geo = () => requireGeo(context)
  const {store} = context
  const cached = revisionCache(store)
  return [
    {
      method: 'GET',
      path: '/v1.0/subcloud-peer-groups',
      handler: () => json({subcloud_peer_groups: geo().tables.peerGroups.map(peerGroupToApi)}),
    },
    {method: 'POST', path: '/v1.0/subcloud-peer-groups', handler: (request) => addPeerGroup(geo(), request)},
    {
      method: 'GET',
      path: '/v1.0/subcloud-peer-groups/:group',
      handler: (request, {group}) => json(peerGroupToApi(groupOr404(geo(), group))),
    },
    {
      method: 'GET',
      path: '/v1.0/subcloud-peer-groups/:group/:verb',
      handler: (request, {group, verb}) => {
        const found = groupOr404(geo(), group)
        if (verb === 'subclouds')
          return cached(`members of ${found.id}`, () => ({
            subclouds: membersOf(store, found).map((record) => toApi(record)),
          }))
        if (verb === 'status') return json(groupStatus(store, found))
        throw new WebobError(400, 'Invalid request')
      },
    },
    {
      method: 'PATCH',
      path: '/v1.0/subcloud-peer-groups/:group',
      handler: (request, {group}) => patchPeerGroup(geo(), request, group),
    },
    {
      method: 'PATCH',
      path: '/v1.0/subcloud-peer-groups/:group/:verb',
      handler: (request, {group, verb}) => {
        const found = groupOr404(geo(), group)
        if (verb === 'migrate') return migrate(geo(), store, request, group, found)
        if (verb === 'audit') return audit(geo(), request, found)
        throw new WebobError(400, 'Invalid request')
      },
    },
    {
      method: 'DELETE',
      path: '/v1.0/subcloud-peer-groups/:group',
      handler: (request, {group}) => deletePeerGroup(geo(), store, group),
    },
  ]
}

function groupOr404(geo: LabGeo, ref: string): PeerGroupRecord {
  const group = geo.tables.findPeerGroup(ref)
  if (!group) throw new WebobError(404, 'Subcloud Peer Group not found')
  return group
}

export function membersOf(store: LabStore, group: PeerGroupRecord) {
  return store.subclouds.filter((record) => record.peerGroupId === group.id)
}

function groupStatus(store: LabStore, group: PeerGroupRecord): Record<string, unknown> {
  const status = {
    peer_group_id: group.id,
    peer_group_name: group.peerGroupName,
    total_subclouds: 0,
    complete: 0,
    waiting_for_migrate: 0,
    rehoming: 0,
    rehome_failed: 0,
    managed: 0,
    unmanaged: 0,
  }
  for (const record of membersOf(store, group)) {
    status.total_subclouds++
    if (record.managementState === 'managed') status.managed++
    else status.unmanaged++
    const counter = STATUS_COUNTERS[record.deployStatus]
    if (counter) status[counter]++
  }
  return status
}

const STATUS_COUNTERS: Record<string, 'waiting_for_migrate' | 'rehome_failed' | 'complete' | 'rehoming'> = {
  secondary: 'waiting_for_migrate',
  'rehome-failed': 'rehome_failed',
  'rehome-prep-failed': 'rehome_failed',
  complete: 'complete',
  rehoming: 'rehoming',
}

/** `json.loads(request.body)` without a guard: anything unreadable is an unhandled 500. */
function rawJson(request: LabRequest): unknown {
  try {
    return JSON.parse(request.body.toString('utf8'))
  } catch {
    throw new UnhandledServerError('request body is not JSON')
  }
}

/** `json.loads` then `if not payload: Body required`; a non-object fails on `.get` (500). */
function groupPayload(request: LabRequest): Record<string, unknown> {
  const payload = rawJson(request)
  if (!truthy(payload)) throw new WebobError(400, 'Body required')
  if (typeof payload !== 'object' || Array.isArray(payload)) throw new UnhandledServerError('payload has no get')
  return payload as Record<string, unknown>
}

const checkPriority = (value: unknown) => intInRange(value, 0, 65536)
const checkState = (value: unknown) => value === 'enabled' || value === 'disabled'
const checkMaxRehoming = (value: unknown) => intInRange(value, 1, 250)

async function addPeerGroup(geo: LabGeo, request: LabRequest): Promise<LabResponse> {
  const payload = groupPayload(request)
  const name = payload['peer-group-name']
  const priority = payload['group-priority']
  const state = payload['group-state']
  const maxRehoming = payload['max-subcloud-rehoming']
  let leaderId = payload['system-leader-id']
  let leaderName = payload['system-leader-name']
  if (!validateName(name, ['none'])) throw new WebobError(400, 'Invalid peer-group-name')
  // The leader defaults to this site, as sysinv's system of RegionOne names it.
  if (!truthy(leaderId)) leaderId = geo.tables.system.uuid
  else if (!isUuidValue(leaderId)) throw new WebobError(400, `Invalid system-leader-id [${String(leaderId)}]`)
  if (!truthy(leaderName)) leaderName = geo.tables.system.name
  else if (!validateName(leaderName)) throw new WebobError(400, 'Invalid system-leader-name')
  if (priority !== undefined && priority !== null && !checkPriority(priority)) {
    throw new WebobError(400, 'Invalid group-priority')
  }
  if (truthy(state) && !checkState(state)) throw new WebobError(400, 'Invalid group-state')
  if (maxRehoming !== undefined && maxRehoming !== null && !checkMaxRehoming(maxRehoming)) {
    throw new WebobError(400, 'Invalid max-subcloud-rehoming')
  }
  if (geo.tables.peerGroupByName(String(name))) {
    throw new WebobError(409, 'A subcloud peer group with this name already exists')
  }
  const group = geo.tables.insertPeerGroup({
    peerGroupName: String(name),
    groupPriority: priority === undefined || priority === null ? 0 : pythonInt(priority)!,
    groupState: truthy(state) ? String(state) : 'enabled',
    maxSubcloudRehoming: maxRehoming === undefined || maxRehoming === null ? 10 : pythonInt(maxRehoming)!,
    systemLeaderId: String(leaderId),
    systemLeaderName: String(leaderName),
  })
  await geo.persist()
  return json(peerGroupToApi(group))
}

export function fromPeerSite(request: LabRequest): boolean {
  return request.headers['user-agent'] === PEER_USER_AGENT
}

async function patchPeerGroup(geo: LabGeo, request: LabRequest, ref: string): Promise<LabResponse> {
  const group = groupOr404(geo, ref)
  const payload = groupPayload(request)
  const fromPeer = fromPeerSite(request)
  if (group.groupPriority > 0 && !fromPeer) {
    throw new WebobError(400, 'Cannot update a peer group from a non-primary site.')
  }
  const name = payload['peer-group-name']
  const priority = payload['group-priority']
  const state = payload['group-state']
  const leaderId = payload['system-leader-id']
  const leaderName = payload['system-leader-name']
  const maxRehoming = payload['max-subcloud-rehoming']
  // `migration_status` present as null means "none".
  const migrationStatus = 'migration_status' in payload ? (payload.migration_status ?? 'none') : undefined
  const given = (value: unknown) => value !== undefined && value !== null
  if (![name, state, leaderId, leaderName, migrationStatus].some(truthy) && !given(priority) && !given(maxRehoming)) {
    throw new WebobError(400, 'nothing to update')
  }
  const syncNeeded =
    (truthy(name) && name !== group.peerGroupName) ||
    (truthy(state) && state !== group.groupState) ||
    (given(maxRehoming) && maxRehoming !== group.maxSubcloudRehoming)
  const anyUpdate =
    syncNeeded ||
    (given(priority) && priority !== group.groupPriority) ||
    (truthy(leaderId) && leaderId !== group.systemLeaderId) ||
    (truthy(leaderName) && leaderName !== group.systemLeaderName) ||
    (truthy(migrationStatus) && migrationStatus !== group.migrationStatus)
  // No effective change: the group as it is, nothing validated.
  if (!anyUpdate) return json(peerGroupToApi(group))
  if (given(name) && !validateName(name, ['none'])) throw new WebobError(400, 'Invalid peer-group-name')
  if (given(priority) && !checkPriority(priority)) throw new WebobError(400, 'Invalid group-priority')
  if (truthy(state) && !checkState(state)) throw new WebobError(400, 'Invalid group-state')
  if (given(maxRehoming) && !checkMaxRehoming(maxRehoming)) throw new WebobError(400, 'Invalid max-subcloud-rehoming')
  if (truthy(leaderId) && !isUuidValue(leaderId)) throw new WebobError(400, 'Invalid system-leader-id')
  if (given(leaderName) && !validateName(leaderName)) throw new WebobError(400, 'Invalid system-leader-name')
  if (truthy(migrationStatus) && !['migrating', 'complete', 'none'].includes(String(migrationStatus).toLowerCase())) {
    throw new WebobError(400, 'Invalid migration_status')
  }
  if (!fromPeer && syncNeeded) {
    const {succeeded, failed} = await geo.pushPeerGroupUpdate(group, {
      peerGroupName: truthy(name) ? String(name) : undefined,
      groupState: truthy(state) ? String(state) : undefined,
      maxSubcloudRehoming: given(maxRehoming) ? pythonInt(maxRehoming) : undefined,
    })
    if (failed.length > 0 && succeeded.length === 0) {
      throw new WebobError(403, 'Unable to sync the update to the peer site(s)')
    }
  }
  if (truthy(name) && name !== group.peerGroupName && geo.tables.peerGroupByName(String(name))) {
    throw new WebobError(500, 'Unable to update subcloud peer group')
  }
  const change: Partial<PeerGroupRecord> = {}
  if (truthy(name)) change.peerGroupName = String(name)
  if (given(priority)) change.groupPriority = pythonInt(priority)!
  if (truthy(state)) change.groupState = String(state)
  if (given(maxRehoming)) change.maxSubcloudRehoming = pythonInt(maxRehoming)!
  if (truthy(leaderId)) change.systemLeaderId = String(leaderId)
  if (truthy(leaderName)) change.systemLeaderName = String(leaderName)
  if (truthy(migrationStatus)) {
    const status = String(migrationStatus).toLowerCase()
    change.migrationStatus = status === 'none' ? null : status
  }
  const updated = geo.tables.updatePeerGroup(group.id, change)
  await geo.persist()
  return json(peerGroupToApi(updated))
}

async function migrate(
  geo: LabGeo,
  store: LabStore,
  request: LabRequest,
  ref: string,
  group: PeerGroupRecord,
): Promise<LabResponse> {
  const payload = groupPayload(request)
  if (!('sysadmin_password' in payload)) {
    throw new WebobError(400, `Unable to migrate subcloud peer group: ${ref} need sysadmin_password`)
  }
  const {ready, errors} = readyToMigrate(membersOf(store, group), group)
  if (errors.length > 0) throw new WebobError(500, `Batch migrate subclouds error: ${pythonListRepr(errors)}`)
  if (ready.length === 0) {
    throw new WebobError(
      400,
      `Nothing to migrate, no secondary, rehome-failed or rehome-prep-failed subcloud in peer group ${group.peerGroupName}`,
    )
  }
  const body = {subclouds: ready.map((record) => toApi(record))}
  geo.startMigrate(group, decodePassword(payload.sysadmin_password))
  return json(body)
}

/** The password as the playbook would get it: base64 as sent; a value that is not base64 is used as is. */
function decodePassword(value: unknown): string {
  const text = String(value ?? '')
  const decoded = Buffer.from(text, 'base64')
  return decoded.length > 0 && decoded.toString('base64').replace(/=+$/, '') === text.replace(/=+$/, '')
    ? decoded.toString('utf8')
    : text
}

const AUDIT_KEYS = [
  'peer_uuid',
  'peer_group_name',
  'group_priority',
  'group_state',
  'system_leader_id',
  'system_leader_name',
  'migration_status',
]

async function audit(geo: LabGeo, request: LabRequest, group: PeerGroupRecord): Promise<LabResponse> {
  const payload = rawJson(request)
  if (!payload || typeof payload !== 'object' || Array.isArray(payload)) throw new UnhandledServerError('bad audit')
  for (const key of AUDIT_KEYS) {
    if (!(key in payload)) {
      throw new WebobError(400, `Unable to audit peer group ${group.peerGroupName}, missing ${key}`)
    }
  }
  try {
    return json({message: await geo.auditFromPeer(group.peerGroupName, payload as Record<string, unknown>)})
  } catch {
    throw new WebobError(500, `Unable to audit peer group ${group.peerGroupName}`)
  }
}

async function deletePeerGroup(geo: LabGeo, store: LabStore, ref: string): Promise<LabResponse> {
  const group = groupOr404(geo, ref)
  if (geo.tables.associationsOfGroup(group.id).length > 0) {
    throw new WebobError(400, 'Cannot delete a peer group which is associated with a system peer.')
  }
  geo.tables.deletePeerGroup(group.id)
  for (const record of membersOf(store, group)) store.updateSubcloud(record.id, {peerGroupId: null})
  await geo.persist()
  return json(null)
}
