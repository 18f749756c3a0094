import type {PeerGroupAssociation, SubcloudPeerGroup, SubcloudPeerGroupStatus, SystemPeer} from '../api/geo-types.js'
import type {Cell} from '../output/types.js'
import {cell} from '../subclouds/columns.js'

/**
 * The geo-redundancy column sets of dcmanager-api.md §5.3 and the mapping from API objects to rows, as the
 * upstream client's format functions build them (so scripts parsing its output keep working).
 */
export const PEER_LIST = ['id', 'peer uuid', 'peer name', 'manager endpoint', 'controller gateway address']
export const PEER_DETAIL = [
  'id',
  'peer uuid',
  'peer name',
  'manager endpoint',
  'manager username',
  'controller gateway address',
  'administrative state',
  'heartbeat interval',
  'heartbeat failure threshold',
  'heartbeat failure policy',
  'heartbeat maintenance timeout',
  'availability state',
  'created_at',
  'updated_at',
]
export const SPG = [
  'id',
  'peer_group_name',
  'group_priority',
  'group_state',
  'system_leader_id',
  'system_leader_name',
  'max_subcloud_rehoming',
  'created_at',
  'updated_at',
]
/** `system-peer list-subcloud-peer-groups`: the peer groups without their timestamps. */
export const SPG_SHORT = SPG.slice(0, 7)
export const SPG_STATUS = [
  'peer_group_id',
  'peer_group_name',
  'total_subclouds',
  'complete',
  'waiting_for_migrate',
  'rehoming',
  'rehome_failed',
  'managed',
  'unmanaged',
]
export const PGA_LIST = ['id', 'peer_group_id', 'system_peer_id', 'type', 'sync_status', 'peer_group_priority']
export const PGA_DETAIL = [
  'id',
  'peer_group_id',
  'system_peer_id',
  'association_type',
  'sync_status',
  'peer_group_priority',
  'sync_message',
  'created_at',
  'updated_at',
]

export function peerListRow(peer: SystemPeer): Cell[] {
  return [
    peer.id,
    peer['peer-uuid'],
    peer['peer-name'],
    peer['manager-endpoint'],
    peer['peer-controller-gateway-address'],
  ].map(cell)
}

export function peerDetail(peer: SystemPeer): Cell[] {
  return [
    peer.id,
    peer['peer-uuid'],
    peer['peer-name'],
    peer['manager-endpoint'],
    peer['manager-username'],
    peer['peer-controller-gateway-address'],
    peer['administrative-state'],
    peer['heartbeat-interval'],
    peer['heartbeat-failure-threshold'],
    peer['heartbeat-failure-policy'],
    peer['heartbeat-maintenance-timeout'],
    peer['availability-state'],
    peer['created-at'],
    peer['updated-at'],
  ].map(cell)
}

export function peerGroupRow(group: SubcloudPeerGroup): Cell[] {
  return [
    group.id,
    group.peer_group_name,
    group.group_priority,
    group.group_state,
    group.system_leader_id,
    group.system_leader_name,
    group.max_subcloud_rehoming,
    group['created-at'],
    group['updated-at'],
  ].map(cell)
}

export function peerGroupShortRow(group: SubcloudPeerGroup): Cell[] {
  return peerGroupRow(group).slice(0, SPG_SHORT.length)
}

export function peerGroupStatusRow(status: SubcloudPeerGroupStatus): Cell[] {
  return [
    status.peer_group_id,
    status.peer_group_name,
    status.total_subclouds,
    status.complete,
    status.waiting_for_migrate,
    status.rehoming,
    status.rehome_failed,
    status.managed,
    status.unmanaged,
  ].map(cell)
}

export function associationListRow(association: PeerGroupAssociation): Cell[] {
  return [
    association.id,
    association['peer-group-id'],
    association['system-peer-id'],
    association['association-type'],
    association['sync-status'],
    association['peer-group-priority'],
  ].map(cell)
}

/** A list answer has no `sync-message`: upstream shows None for it, as here. */
export function associationDetail(association: PeerGroupAssociation): Cell[] {
  return [
    association.id,
    association['peer-group-id'],
    association['system-peer-id'],
    association['association-type'],
    association['sync-status'],
    association['peer-group-priority'],
    association['sync-message'],
    association['created-at'],
    association['updated-at'],
  ].map(cell)
}
