import {stringify} from 'yaml'

import type {SubcloudRecord} from '../dcmanager/subcloud-model.js'
import type {LabStore} from '../lab-store.js'
import {type AssociationRecord, type GeoTables, sameUuid, type SystemPeerRecord, type SyncStatus} from './geo-tables.js'
import {PeerRequestError, PeerSiteClient} from './peer-client.js'
import {PEER_COPY_STATES, savedPayload} from './peer-group-members.js'

/**
 * A primary association's sync to its peer site (subcloud-lifecycle.md §6.4.2), step by step as upstream's
 * system peer manager runs it, over the peer's REST API: check the peer's identity and its record of this site,
 * create or update the peer group there (priority = the association's), its non-primary association (set
 * `syncing`), then each member as a `secondary` copy (bootstrap values from the rehome data with this peer's
 * gateway), then remove copies no longer in the group, and finally set both associations `in-sync` or `failed`.
 */
export interface SyncParts {
  store: LabStore
  tables: GeoTables
  persist(): Promise<void>
  rebuildMonitors(): void
  /** The site is stopping: the sync ends where it is and writes nothing more (a restart marks it failed). */
  signal: AbortSignal
}

/** At most this many subclouds are synced at a time (upstream's pool of 10). */
const SYNC_PARALLELISM = 10

interface RemoteGroup {
  id: number
  group_priority: number
}
interface RemoteAssociation {
  id: number
  'peer-group-id': number
  'system-peer-id': number
}
interface RemoteSubcloud {
  name: string
  'region-name': string
  'deploy-status': string
}

/** Raised to end a sync with the association `failed` and this text, without rebuilding the monitors. */
class SyncStopped extends Error {}

export async function syncAssociation(
  parts: SyncParts,
  associationId: number,
  options: {groupOnly?: boolean} = {},
): Promise<AssociationRecord> {
  const {tables} = parts
  const association = tables.associationById(associationId)
  const group = association && tables.peerGroupById(association.peerGroupId)
  const peer = association && tables.systemPeerById(association.systemPeerId)
  if (!association || !group || !peer) throw new Error(`association ${associationId} is incomplete`)
  const client = new PeerSiteClient(peer, parts.signal)
  let remoteAssociationId: number | undefined
  const finish = async (status: SyncStatus, message: string | null, rebuild: boolean) => {
    if (parts.signal.aborted) return tables.associationById(associationId) ?? association
    // The peer's association first, then ours (a client that sees ours in-sync finds the peer's too).
    if (remoteAssociationId !== undefined) {
      await client
        .dcmanager('PATCH', `/peer-group-associations/${remoteAssociationId}`, {sync_status: status})
        .catch(() => undefined)
    }
    if (tables.associationById(associationId)) {
      tables.updateAssociation(associationId, {syncStatus: status, syncMessage: message ?? 'None'})
      await parts.persist()
    }
    if (rebuild) parts.rebuildMonitors()
    return tables.associationById(associationId) ?? association
  }

  try {
    // 1. the peer is who the system peer record says it is
    const system = await client.system()
    if (!sameUuid(system.uuid, peer.peerUuid)) {
      throw new Error(`Peer Group Association with peer site controller UUID ${system.uuid} doesn't match.`)
    }
    // 2. the peer knows this site
    const local = tables.system
    let remotePeerId: number
    try {
      const remotePeer = (await client.dcmanager('GET', `/system-peers/${local.uuid}`)) as {id: number}
      remotePeerId = remotePeer.id
    } catch (error) {
      if (error instanceof PeerRequestError && error.status === 404) {
        throw new SyncStopped(`A system peer with UUID of ${local.uuid} does not exist on peer site '${peer.peerName}'`)
      }
      throw error
    }
    // 3-4. the peer group there, with the association's priority
    const groupFields = {
      'group-priority': association.peerGroupPriority,
      'group-state': group.groupState,
      'system-leader-id': group.systemLeaderId,
      'system-leader-name': group.systemLeaderName,
      'max-subcloud-rehoming': group.maxSubcloudRehoming,
    }
    let remoteGroup = await getOrUndefined<RemoteGroup>(client, `/subcloud-peer-groups/${group.peerGroupName}`)
    remoteGroup ??= (await client.dcmanager('POST', '/subcloud-peer-groups', {
      'peer-group-name': group.peerGroupName,
      ...groupFields,
    })) as RemoteGroup
    if (remoteGroup.group_priority === 0) throw new Error('Subcloud Peer group of peer site has wrong priority 0.')
    // 5-6. its non-primary association, syncing
    const list = (await client.dcmanager('GET', '/peer-group-associations')) as {
      peer_group_associations: RemoteAssociation[]
    }
    const found = list.peer_group_associations.find(
      (item) => item['system-peer-id'] === remotePeerId && item['peer-group-id'] === remoteGroup!.id,
    )
    remoteAssociationId =
      found?.id ??
      (
        (await client.dcmanager('POST', '/peer-group-associations', {
          peer_group_id: remoteGroup.id,
          system_peer_id: remotePeerId,
        })) as RemoteAssociation
      ).id
    await client.dcmanager('PATCH', `/peer-group-associations/${remoteAssociationId}`, {sync_status: 'syncing'})
    // 7. the group's fields
    await client.dcmanager('PATCH', `/subcloud-peer-groups/${group.peerGroupName}`, groupFields)
    if (options.groupOnly) return await finish('in-sync', null, true)

    // 8. the members
    const members = parts.store.subclouds.filter(
      (record) => record.peerGroupId === group.id && !['secondary', 'secondary-failed'].includes(record.deployStatus),
    )
    const failed: string[] = []
    await inBatches(members, SYNC_PARALLELISM, async (record) => {
      try {
        await syncSubcloud(client, record, peer, remoteGroup!.id)
      } catch {
        failed.push(record.name)
      }
    })
    // 9. copies on the peer of subclouds no longer in the group
    const remoteMembers = (await client.dcmanager('GET', `/subcloud-peer-groups/${remoteGroup.id}/subclouds`)) as {
      subclouds: RemoteSubcloud[]
    }
    const localRegions = new Set(members.map((record) => record.regionName))
    for (const remote of remoteMembers.subclouds) {
      if (localRegions.has(remote['region-name']) || !PEER_COPY_STATES.has(remote['deploy-status'])) continue
      // DELETE looks subclouds up by name only, even for a peer.
      await client.dcmanager('DELETE', `/subclouds/${remote.name}`).catch(() => undefined)
    }
    // 10. both associations
    if (failed.length > 0) {
      await client
        .dcmanager('PATCH', `/peer-group-associations/${remoteAssociationId}`, {sync_status: 'failed'})
        .catch(() => undefined)
      const message = `Failed to sync [${failed.sort().join(', ')}] in the Subcloud Peer Group ${group.peerGroupName}.`
      remoteAssociationId = undefined
      return await finish('failed', message, true)
    }
    return await finish('in-sync', null, true)
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    const result = await finish('failed', message, false)
    if (options.groupOnly) throw new Error(message, {cause: error})
    return result
  }
}

async function getOrUndefined<T>(client: PeerSiteClient, path: string): Promise<T | undefined> {
  try {
    return (await client.dcmanager('GET', path)) as T
  } catch (error) {
    if (error instanceof PeerRequestError && error.status === 404) return undefined
    throw error
  }
}

/** Step 8 for one member: create or update its secondary copy on the peer and put it in the peer's group. */
async function syncSubcloud(
  client: PeerSiteClient,
  record: SubcloudRecord,
  peer: SystemPeerRecord,
  remoteGroupId: number,
): Promise<void> {
  const payload = savedPayload(record)
  if (!payload || !payload['bootstrap-address'] || !payload.systemcontroller_gateway_address) {
    throw new Error(`Subcloud ${record.name} has no rehome data to sync`)
  }
  const existing = await getOrUndefined<RemoteSubcloud>(client, `/subclouds/${record.regionName}/detail`)
  if (existing && !PEER_COPY_STATES.has(existing['deploy-status'])) {
    throw new Error(`Subcloud ${record.name} is not in the right state for sync.`)
  }
  // The peer reaches the subcloud through its own gateway on the management network.
  const bootstrapValues: Record<string, unknown> = {
    ...payload,
    systemcontroller_gateway_address: peer.peerControllerGatewayIp,
  }
  delete bootstrapValues['bootstrap-address']
  const form = new FormData()
  form.append('bootstrap_values', new Blob([stringify(bootstrapValues)]), 'bootstrap_values.yaml')
  if (record.dataInstall) {
    form.append('install_values', new Blob([stringify(JSON.parse(record.dataInstall))]), 'install_values.yaml')
  }
  const address = String(payload['bootstrap-address'])
  let copy: RemoteSubcloud
  if (existing) {
    form.append('bootstrap_address', address)
    copy = (await client.dcmanager('PATCH', `/subclouds/${record.regionName}`, form)) as RemoteSubcloud
  } else {
    form.append('bootstrap-address', address)
    form.append('region_name', record.regionName)
    if (record.location !== null) form.append('location', record.location)
    if (record.description !== null) form.append('description', record.description)
    form.append('release', record.softwareVersion)
    form.append('secondary', 'true')
    copy = (await client.dcmanager('POST', '/subclouds', form)) as RemoteSubcloud
  }
  const join = new FormData()
  join.append('peer_group', String(remoteGroupId))
  copy = (await client.dcmanager('PATCH', `/subclouds/${copy['region-name']}`, join)) as RemoteSubcloud
  if (!['secondary', 'rehome-failed', 'rehome-prep-failed'].includes(copy['deploy-status'])) {
    throw new Error(`Subcloud's deploy status not correct: ${copy['deploy-status']}`)
  }
}

export async function inBatches<T>(items: T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  const queue = [...items]
  const workers = Array.from({length: Math.min(size, queue.length)}, async () => {
    for (let item = queue.shift(); item !== undefined; item = queue.shift()) await work(item)
  })
  await Promise.all(workers)
}

/**
 * The peer's non-primary association for one of our groups (by the peer's record of this site and the group's
 * name), or undefined.
 */
export async function remoteAssociationOf(
  client: PeerSiteClient,
  localUuid: string,
  groupName: string,
): Promise<number | undefined> {
  const remotePeer = await getOrUndefined<{id: number}>(client, `/system-peers/${localUuid}`)
  const remoteGroup = await getOrUndefined<RemoteGroup>(client, `/subcloud-peer-groups/${groupName}`)
  if (!remotePeer || !remoteGroup) return undefined
  const list = (await client.dcmanager('GET', '/peer-group-associations')) as {
    peer_group_associations: RemoteAssociation[]
  }
  return list.peer_group_associations.find(
    (item) => item['system-peer-id'] === remotePeer.id && item['peer-group-id'] === remoteGroup.id,
  )?.id
}

export {SyncStopped}
