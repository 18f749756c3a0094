import {ENDPOINT_TYPES, type SubcloudRecord, type SyncStatus} from '../dcmanager/subcloud-model.js'
import type {LabStore} from '../lab-store.js'
import type {GeoTables, PeerGroupRecord, SystemPeerRecord} from './geo-tables.js'
import type {PeerSiteClient} from './peer-client.js'
import {LOWER_PRIORITY_ALARM} from './peer-group-migrate.js'

/**
 * A site's reaction to what the other site did with a peer group (subcloud-lifecycle.md §6.7): run when the
 * monitor reaches the peer, or when the peer calls `/audit` after a migrate. While the remote group is
 * `migrating`, the local members are let go (`unmanaged`, `rehome-pending`); once it is `complete`, each local
 * member follows its remote copy (managed there: `secondary` here; rehome failed there: `rehome-failed` here;
 * gone there: deleted here), the group follows the remote leader (280.005 when this site's priority is lower),
 * and the remote group's migration status is reset to `none`.
 */
export interface AuditParts {
  store: LabStore
  tables: GeoTables
  persist(): Promise<void>
}

export interface RemoteGroupView {
  peer_group_name: string
  group_priority: number
  system_leader_id: string
  system_leader_name: string
  migration_status: string | null
}

interface RemoteMember {
  'region-name': string
  'management-state': string
  'deploy-status': string
}

export async function auditPeerGroup(
  parts: AuditParts,
  local: PeerGroupRecord,
  remote: RemoteGroupView,
  peer: SystemPeerRecord,
  client: PeerSiteClient | undefined,
  remoteMembers?: RemoteMember[],
): Promise<string | null> {
  const {tables, store} = parts
  if (local.migrationStatus === 'migrating') return null
  const members = () => store.subclouds.filter((record) => record.peerGroupId === local.id)
  if (remote.migration_status === 'migrating') {
    for (const record of members()) {
      store.updateSubcloud(record.id, {managementState: 'unmanaged', deployStatus: 'rehome-pending'})
    }
    setPrimaryAssociations(tables, local, 'out-of-sync')
    await parts.persist()
    return null
  }
  if (remote.migration_status !== 'complete') return null
  const copies =
    remoteMembers ??
    (client
      ? (
          (await client.dcmanager('GET', `/subcloud-peer-groups/${remote.peer_group_name}/subclouds`)) as {
            subclouds: RemoteMember[]
          }
        ).subclouds
      : [])
  const byRegion = new Map(copies.map((copy) => [copy['region-name'], copy]))
  for (const record of members()) {
    const copy = byRegion.get(record.regionName)
    if (!copy) {
      store.deleteSubcloud(record.id)
      continue
    }
    if (copy['management-state'] === 'managed' && !isSecondary(record)) becomeSecondary(store, record)
    else if (['rehome-failed', 'rehome-prep-failed'].includes(copy['deploy-status'])) {
      store.updateSubcloud(record.id, {deployStatus: 'rehome-failed'})
    }
  }
  if (remote.system_leader_id === peer.peerUuid) {
    tables.updatePeerGroup(local.id, {
      systemLeaderId: remote.system_leader_id,
      systemLeaderName: remote.system_leader_name,
    })
    const entity = `peer_group=${local.peerGroupName},peer=${peer.peerUuid}`
    if (local.groupPriority < remote.group_priority) {
      tables.raiseAlarm({
        alarmId: LOWER_PRIORITY_ALARM,
        entity,
        severity: 'major',
        text: `Subcloud peer group (peer_group_name=${local.peerGroupName}) is managed by remote system peer (peer_uuid=${peer.peerUuid}) with a lower priority.`,
      })
    } else tables.clearAlarm(LOWER_PRIORITY_ALARM, entity)
  }
  setPrimaryAssociations(tables, local, 'in-sync')
  await parts.persist()
  if (client) {
    await client
      .dcmanager('PATCH', `/subcloud-peer-groups/${remote.peer_group_name}`, {migration_status: null})
      .catch(() => undefined)
  }
  return null
}

function isSecondary(record: SubcloudRecord): boolean {
  return record.deployStatus === 'secondary' || record.deployStatus === 'secondary-failed'
}

/** The other site manages it now: unmanaged, secondary, offline, every endpoint unknown. */
function becomeSecondary(store: LabStore, record: SubcloudRecord): void {
  store.updateSubcloud(record.id, {
    managementState: 'unmanaged',
    deployStatus: 'secondary',
    availabilityStatus: 'offline',
    endpointSyncStatus: Object.fromEntries(ENDPOINT_TYPES.map((type) => [type, 'unknown' as SyncStatus])),
  })
}

function setPrimaryAssociations(tables: GeoTables, group: PeerGroupRecord, to: 'in-sync' | 'out-of-sync'): void {
  for (const association of tables.associationsOfGroup(group.id)) {
    if (association.associationType === 'primary') tables.updateAssociation(association.id, {syncStatus: to})
  }
}
