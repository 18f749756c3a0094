import {parse} from 'yaml'

import type {FormPart} from '../http/multipart.js'
import type {LabRequest} from '../http/http-types.js'
import {WebobError} from '../http/webob-error.js'
import type {SubcloudRecord} from '../dcmanager/subcloud-model.js'
import {type LabGeo, PEER_USER_AGENT, syncInfoMessage} from './lab-geo.js'
import {rehomeDataOf, savedPayload} from './peer-group-members.js'

/**
 * The geo-redundancy rules of `PATCH /v1.0/subclouds/{subcloud}` (dcmanager-api.md §3.5, subcloud-lifecycle.md
 * §6.5), in upstream's order: first the peer-group rules (joining or leaving a group, what a non-primary site may
 * change), later `migrate` (→ `rehome-pending`) and the management-state lock of members; after the update, the
 * associations of a locally led priority-0 group go out-of-sync and the answer carries upstream's info message.
 * Requests from a peer site (User-Agent `dcmanager/1.0`) skip the local-only refusals, as upstream's do.
 */
export interface GeoUpdatePlan {
  change: Partial<SubcloudRecord>
  /** Groups whose associations go out-of-sync after the update. */
  syncGroups: Set<number>
  /** An update in the non-primary site: its association goes out-of-sync without a push. */
  nonPrimaryAssociation?: number
}

export function fromPeer(request: LabRequest): boolean {
  return request.headers['user-agent'] === PEER_USER_AGENT
}

/** The peer-group rules, before rename and the rest. */
export function checkPeerGroupRules(
  geo: LabGeo,
  request: LabRequest,
  record: SubcloudRecord,
  parts: Map<string, FormPart>,
): GeoUpdatePlan {
  const field = (name: string) => parts.get(name)?.data.toString('utf8')
  const peer = fromPeer(request)
  const {tables} = geo
  const plan: GeoUpdatePlan = {change: {}, syncGroups: new Set()}
  const original = record.peerGroupId === null ? undefined : tables.peerGroupById(record.peerGroupId)
  const leaderHere = (groupLeader: string) => groupLeader === tables.system.uuid
  let peerSiteAvailable = true
  let association: number | undefined
  if (original) {
    if (original.groupPriority === 0 && leaderHere(original.systemLeaderId) && !peer) plan.syncGroups.add(original.id)
    for (const item of tables.associationsOfGroup(original.id)) {
      association = item.id
      peerSiteAvailable = tables.systemPeerById(item.systemPeerId)?.availabilityState === 'available'
    }
  }
  const bootstrapValues = field('bootstrap_values')
  const bootstrapAddress = field('bootstrap_address')
  const peerGroup = field('peer_group')
  let newGroupId: number | null | undefined
  if (peerGroup !== undefined) {
    if (peerGroup.toLowerCase() === 'none') {
      if (original) {
        if (!leaderHere(original.systemLeaderId)) {
          throw new WebobError(400, 'Removing subcloud from a peer group not led by the current site is prohibited.')
        }
        if (peerSiteAvailable && original.groupPriority > 0) {
          throw new WebobError(
            400,
            'Removing subcloud from a peer group associated with an available system peer is prohibited.',
          )
        }
        newGroupId = null
      }
    } else {
      if (!(record.rehomeData || (bootstrapValues && bootstrapAddress))) {
        throw new WebobError(
          400,
          'Cannot update the subcloud peer group: must provide both the bootstrap-values and bootstrap-address.',
        )
      }
      if (original && original.groupPriority > 0 && String(record.peerGroupId) !== peerGroup) {
        throw new WebobError(
          400,
          'Cannot move subcloud to a new peer group if the original peer group is not primary (non-zero priority).',
        )
      }
      const group = tables.findPeerGroup(peerGroup)
      if (!group) throw new WebobError(400, 'Invalid peer group')
      if (!peer) {
        if (group.groupPriority > 0) {
          throw new WebobError(400, 'Cannot set the subcloud to a peer group with non-zero priority.')
        } else if (!leaderHere(group.systemLeaderId)) {
          throw new WebobError(
            400,
            'Update subcloud to a peer group that is not led by the current site is prohibited.',
          )
        } else if (!(
          record.deployStatus === 'complete' &&
          record.managementState === 'managed' &&
          record.availabilityStatus === 'online'
        )) {
          throw new WebobError(400, 'Only subclouds that are managed and online can be added to a peer group.')
        }
        plan.syncGroups.add(group.id)
      }
      newGroupId = group.id
    }
  }
  if (original && newGroupId === undefined && !peer) {
    let nonPrimaryUpdate = false
    if (original.groupPriority > 0) {
      if (bootstrapValues || bootstrapAddress) {
        if ([...parts.keys()].some((name) => name !== 'bootstrap_values' && name !== 'bootstrap_address')) {
          throw new WebobError(400, 'Only bootstrap values and address can be updated in the non-primary site')
        }
        if (record.deployStatus === 'rehome-failed' && !peerSiteAvailable) nonPrimaryUpdate = true
        else {
          throw new WebobError(
            400,
            'Subcloud bootstrap values or address update in the non-primary site is only allowed when rehome failed and the primary site is unavailable.',
          )
        }
      }
      if (!nonPrimaryUpdate) {
        throw new WebobError(400, 'Subcloud update is only allowed when its peer group priority value is 0.')
      }
      plan.nonPrimaryAssociation = association
    }
    if (!leaderHere(original.systemLeaderId) && !nonPrimaryUpdate) {
      throw new WebobError(400, 'Updating subcloud from a peer group not led by the current site is prohibited.')
    }
  }
  if (newGroupId !== undefined) plan.change.peerGroupId = newGroupId
  if (bootstrapValues !== undefined && peer) {
    try {
      parse(bootstrapValues)
    } catch {
      throw new WebobError(400, 'bootstrap_values is malformed.')
    }
  }
  return plan
}

/** `migrate=true`: the subcloud is handed over (`rehome-pending`); upstream's `_validate_rehome_pending`. */
export function checkMigrate(
  request: LabRequest,
  record: SubcloudRecord,
  managementState: string | undefined,
  plan: GeoUpdatePlan,
): void {
  let error: string | undefined
  if (record.deployStatus !== 'complete' && !fromPeer(request)) {
    error = "The deploy status can only be updated to 'rehome-pending' if the current deploy status is 'complete'"
  }
  if (managementState !== 'unmanaged' && (managementState || record.managementState !== 'unmanaged')) {
    error = "Subcloud must be unmanaged for its deploy status to be updated to 'rehome-pending'"
  }
  if (error) throw new WebobError(400, error)
  plan.change.deployStatus = 'rehome-pending'
}

/** The management state of a member is the peer's business, or the migrate's. */
export function checkManagementLock(request: LabRequest, record: SubcloudRecord): void {
  if (record.peerGroupId !== null && !fromPeer(request)) {
    throw new WebobError(400, 'Cannot update the management state of a subcloud that is associated with a peer group.')
  }
}

/** bootstrap values and address go into the rehome data (passwords left out: the lab stores no secrets). */
export function applyRehomeData(record: SubcloudRecord, parts: Map<string, FormPart>, plan: GeoUpdatePlan): void {
  const values = parts.get('bootstrap_values')?.data.toString('utf8')
  const address = parts.get('bootstrap_address')?.data.toString('utf8')
  if (values === undefined && address === undefined) return
  let payload = savedPayload(record)
  if (values !== undefined) {
    let parsed: unknown
    try {
      parsed = parse(values)
    } catch {
      throw new WebobError(400, 'bootstrap_values is malformed.')
    }
    const fresh = withoutSecrets(parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {})
    payload = {...fresh, ...(payload?.['bootstrap-address'] ? {'bootstrap-address': payload['bootstrap-address']} : {})}
  }
  if (address !== undefined) {
    if (!payload) {
      throw new WebobError(
        422,
        'Bad subcloud request: Cannot update bootstrap_address into rehome data, need to import bootstrap_values first',
      )
    }
    payload['bootstrap-address'] = address
  }
  plan.change.rehomeData = rehomeDataOf(payload!)
  if (address !== undefined) plan.change.bootstrapAddress = address
}

export function withoutSecrets(values: Record<string, unknown>): Record<string, unknown> {
  const copy = {...values}
  for (const key of [
    'admin_password',
    'sysadmin_password',
    'bmc_password',
    'ansible_ssh_pass',
    'ansible_become_pass',
  ]) {
    delete copy[key]
  }
  return copy
}

/** After the update: associations out-of-sync, and upstream's info message for the answer. */
export async function afterGeoUpdate(geo: LabGeo, plan: GeoUpdatePlan): Promise<string | undefined> {
  if (plan.nonPrimaryAssociation !== undefined) {
    const association = geo.tables.associationById(plan.nonPrimaryAssociation)
    if (association && association.syncStatus !== 'out-of-sync') {
      geo.tables.updateAssociation(association.id, {syncStatus: 'out-of-sync'})
      await geo.persist()
    }
    return undefined
  }
  const ids: number[] = []
  for (const groupId of plan.syncGroups) ids.push(...(await geo.updateAssociationSyncStatus(groupId, 'out-of-sync')))
  return syncInfoMessage([...new Set(ids)])
}
