import type {AssociationRecord, PeerGroupRecord, SystemPeerRecord} from './geo-tables.js'

/**
 * The geo tables as dcmanager renders them (dcmanager-api.md §2.9-2.11): the exact keys and key order of the
 * server's `*_db_model_to_dict`, hyphens and underscores as upstream mixes them.
 */
export function systemPeerToApi(peer: SystemPeerRecord): Record<string, unknown> {
  return {
    id: peer.id,
    'peer-uuid': peer.peerUuid,
    'peer-name': peer.peerName,
    'manager-endpoint': peer.managerEndpoint,
    'manager-username': peer.managerUsername,
    'peer-controller-gateway-address': peer.peerControllerGatewayIp,
    'administrative-state': peer.administrativeState,
    'heartbeat-interval': peer.heartbeatInterval,
    'heartbeat-failure-threshold': peer.heartbeatFailureThreshold,
    'heartbeat-failure-policy': peer.heartbeatFailurePolicy,
    'heartbeat-maintenance-timeout': peer.heartbeatMaintenanceTimeout,
    'availability-state': peer.availabilityState,
    'created-at': peer.createdAt,
    'updated-at': peer.updatedAt,
  }
}

export function peerGroupToApi(group: PeerGroupRecord): Record<string, unknown> {
  return {
    id: group.id,
    peer_group_name: group.peerGroupName,
    group_priority: group.groupPriority,
    group_state: group.groupState,
    max_subcloud_rehoming: group.maxSubcloudRehoming,
    system_leader_id: group.systemLeaderId,
    system_leader_name: group.systemLeaderName,
    migration_status: group.migrationStatus,
    'created-at': group.createdAt,
    'updated-at': group.updatedAt,
  }
}

export function associationToApi(association: AssociationRecord): Record<string, unknown> {
  return {
    id: association.id,
    'peer-group-id': association.peerGroupId,
    'system-peer-id': association.systemPeerId,
    'peer-group-priority': association.peerGroupPriority,
    'association-type': association.associationType,
    'sync-status': association.syncStatus,
    // Upstream stores the text "None" for "no message" and renders it as null.
    'sync-message': association.syncMessage === 'None' ? null : association.syncMessage,
    'created-at': association.createdAt,
    'updated-at': association.updatedAt,
  }
}
