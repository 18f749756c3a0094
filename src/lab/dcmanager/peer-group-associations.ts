import type {LabRequest, LabResponse} from '../http/http-types.js'
import {WebobError} from '../http/webob-error.js'
import {associationToApi} from '../geo/geo-api.js'
import type {AssociationRecord, SyncStatus} from '../geo/geo-tables.js'
import {intInRange, pythonInt, truthy} from '../geo/geo-validation.js'
import type {LabGeo} from '../geo/lab-geo.js'
import {type DcmanagerFamily, json, requireGeo} from './dcmanager-http.js'
import {peerPayload} from './system-peers.js'

/**
 * `/v1.0/peer-group-associations` (dcmanager-api.md §2.11, subcloud-lifecycle.md §6.4): a local peer group
 * linked to a system peer. Created `primary` where the group's priority is 0 (the sync to the peer starts at
 * once) and `non-primary` when the primary site creates it on its peer; `sync`, the priority update (a
 * group-only sync, answered when done), the peer's `sync_status` pushes, delete (the primary cleans the peer
 * first).
 */
export const peerGroupAssociationRoutes: DcmanagerFamily = (context) => {
  const geo = () => requireGeo(context)
  return [
    {
      method: 'GET',
      path: '/v1.0/peer-group-associations',
      handler: () =>
        json({
          peer_group_associations: geo().tables.associations.map((association) => {
            const body = associationToApi(association)
            delete body['sync-message']
            return body
          }),
        }),
    },
    {method: 'POST', path: '/v1.0/peer-group-associations', handler: (request) => addAssociation(geo(), request)},
    {
      method: 'GET',
      path: '/v1.0/peer-group-associations/:id',
      handler: (request, {id}) => json(associationToApi(associationOr404(geo(), id))),
    },
    {
      method: 'PATCH',
      path: '/v1.0/peer-group-associations/:id',
      handler: (request, {id}) => updateAssociation(geo(), request, associationOr404(geo(), id)),
    },
    {
      // pecan passes any second segment as `sync`.
      method: 'PATCH',
      path: '/v1.0/peer-group-associations/:id/:sync',
      handler: (request, {id}) => syncAssociation(geo(), associationOr404(geo(), id)),
    },
    {
      method: 'DELETE',
      path: '/v1.0/peer-group-associations/:id',
      handler: (request, {id}) => deleteAssociation(geo(), id),
    },
  ]
}

function associationOr404(geo: LabGeo, id: string): AssociationRecord {
  if (!/^\d+$/.test(id)) throw new WebobError(400, 'Peer Group Association ID must be an integer')
  const association = geo.tables.associationById(Number(id))
  if (!association) throw new WebobError(404, 'Peer Group Association not found')
  return association
}

const SYNC_STATUSES: SyncStatus[] = ['syncing', 'in-sync', 'out-of-sync', 'failed', 'unknown']

/** `db_api.*_get(context, id)` with a JSON value: an integer, or digits (SQLAlchemy casts them). */
function idOf(value: unknown): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return value
  if (typeof value === 'string' && /^\s*\d+\s*$/.test(value)) return Number(value)
  return undefined
}

async function addAssociation(geo: LabGeo, request: LabRequest): Promise<LabResponse> {
  const payload = peerPayload(request)
  if (Object.keys(payload).length === 0) throw new WebobError(400, 'Body required')
  const groupId = idOf(payload.peer_group_id)
  const group = groupId === undefined ? undefined : geo.tables.peerGroupById(groupId)
  if (!group) throw new WebobError(400, 'Invalid peer_group_id')
  const peerId = idOf(payload.system_peer_id)
  const peer = peerId === undefined ? undefined : geo.tables.systemPeerById(peerId)
  if (!peer) throw new WebobError(400, 'Invalid system_peer_id')
  const priority = payload.peer_group_priority
  const given = priority !== undefined && priority !== null
  if (given && !intInRange(priority, 1, 65536)) throw new WebobError(400, 'Invalid peer_group_priority')
  if ((group.groupPriority === 0 && !given) || (group.groupPriority > 0 && given)) {
    throw new WebobError(
      400,
      'Peer Group Association create is not allowed when the subcloud peer group priority is greater than 0 and it is required when the subcloud peer group priority is 0.',
    )
  }
  const existing = geo.tables.associations.find(
    (association) => association.peerGroupId === group.id && association.systemPeerId === peer.id,
  )
  if (existing) {
    throw new WebobError(400, 'A Peer group association with same peer_group_id, system_peer_id already exists')
  }
  const primary = group.groupPriority === 0
  const association = geo.tables.insertAssociation({
    peerGroupId: group.id,
    systemPeerId: peer.id,
    peerGroupPriority: given ? pythonInt(priority)! : null,
    associationType: primary ? 'primary' : 'non-primary',
    syncStatus: 'syncing',
  })
  await geo.persist()
  const body = associationToApi(association)
  if (primary) geo.startSync(association.id)
  else geo.notifyMonitors()
  return json(body)
}

async function syncAssociation(geo: LabGeo, association: AssociationRecord): Promise<LabResponse> {
  if (association.associationType === 'non-primary') {
    geo.notifyMonitors()
    throw new WebobError(
      400,
      'Peer Group Association sync is not allowed when the association type is non-primary. But the peer monitor notify was triggered.',
    )
  }
  const group = geo.tables.peerGroupById(association.peerGroupId)
  if (!group || group.systemLeaderId !== geo.tables.system.uuid) {
    throw new WebobError(
      400,
      'Peer Group Association sync is not allowed when the subcloud peer group system_leader_id is not the current system controller UUID.',
    )
  }
  geo.startSync(association.id)
  const updated = geo.tables.updateAssociation(association.id, {syncStatus: 'syncing', syncMessage: 'None'})
  await geo.persist()
  return json(associationToApi(updated))
}

async function updateAssociation(geo: LabGeo, request: LabRequest, association: AssociationRecord) {
  const payload = peerPayload(request)
  if (Object.keys(payload).length === 0) throw new WebobError(400, 'Body required')
  const priority = payload.peer_group_priority
  const syncStatus = payload.sync_status
  const given = priority !== undefined && priority !== null
  if (!given && !truthy(syncStatus)) throw new WebobError(400, 'nothing to update')
  if (given && truthy(syncStatus)) {
    throw new WebobError(400, 'peer_group_priority and sync_status cannot be updated at the same time.')
  }
  const nonPrimary = association.associationType === 'non-primary'
  if (given) {
    if (!intInRange(priority, 1, 65536)) throw new WebobError(400, 'Invalid peer_group_priority')
    if (nonPrimary) {
      geo.notifyMonitors()
      throw new WebobError(
        400,
        'Peer Group Association peer_group_priority is not allowed to update when the association type is non-primary.',
      )
    }
    geo.tables.updateAssociation(association.id, {peerGroupPriority: pythonInt(priority)!})
    await geo.persist()
    try {
      return json(await geo.syncGroupOnly(association.id))
    } catch (error) {
      throw new WebobError(422, (error as Error).message)
    }
  }
  if (!SYNC_STATUSES.includes(syncStatus as SyncStatus)) throw new WebobError(400, 'Invalid sync_status')
  if (!nonPrimary) {
    geo.notifyMonitors()
    throw new WebobError(
      400,
      'Peer Group Association sync_status is not allowed to update when the association type is primary.',
    )
  }
  const updated = geo.tables.updateAssociation(association.id, {
    syncStatus: syncStatus as SyncStatus,
    syncMessage: syncStatus === 'failed' ? 'Primary association sync to current site failed.' : 'None',
  })
  await geo.persist()
  geo.notifyMonitors()
  return json(associationToApi(updated))
}

async function deleteAssociation(geo: LabGeo, id: string): Promise<LabResponse> {
  if (!/^\d+$/.test(id)) throw new WebobError(400, 'Peer Group Association ID must be an integer')
  const association = geo.tables.associationById(Number(id))
  if (!association) throw new WebobError(404, 'Peer Group Association not found')
  if (association.associationType === 'non-primary') {
    geo.tables.deleteAssociation(association.id)
    await geo.persist()
    geo.notifyMonitors()
    return json(null)
  }
  try {
    return json(await geo.deletePrimaryAssociation(association.id))
  } catch (error) {
    if (error instanceof WebobError) throw error
    throw new WebobError(422, (error as Error).message)
  }
}
