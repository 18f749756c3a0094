/**
 * The geo-redundancy JSON shapes (dcmanager-api.md §2.9-2.11), beside dcmanager-types.ts. Keys are copied
 * exactly: system peers and associations answer with hyphens, peer groups with underscores (but `created-at`),
 * and the three take their request keys in yet other spellings.
 */
export interface SystemPeer {
  id: number
  'peer-uuid': string
  'peer-name': string
  'manager-endpoint': string
  'manager-username': string
  'peer-controller-gateway-address': string
  'administrative-state': string
  'heartbeat-interval': number
  'heartbeat-failure-threshold': number
  'heartbeat-failure-policy': string
  'heartbeat-maintenance-timeout': number
  /** `created` until the first heartbeat, then `available` / `unavailable`. */
  'availability-state': string
  'created-at': string | null
  'updated-at': string | null
  /** PATCH answers, when the gateway change needs an operator action. */
  info_message?: string
}

/** POST/PATCH /system-peers: underscored keys; the password is base64 of its UTF-8 text. */
export interface SystemPeerRequest {
  peer_uuid?: string
  peer_name?: string
  manager_endpoint?: string
  manager_username?: string
  manager_password?: string
  peer_controller_gateway_address?: string
  administrative_state?: string
  heartbeat_interval?: number
  heartbeat_failure_threshold?: number
  heartbeat_failure_policy?: string
  heartbeat_maintenance_timeout?: number
}

export interface SubcloudPeerGroup {
  id: number
  peer_group_name: string
  group_priority: number
  group_state: string
  max_subcloud_rehoming: number
  system_leader_id: string
  system_leader_name: string
  /** `migrating` / `complete` / null. */
  migration_status: string | null
  'created-at': string | null
  'updated-at': string | null
}

/** POST/PATCH /subcloud-peer-groups: hyphenated keys. */
export interface SubcloudPeerGroupRequest {
  'peer-group-name'?: string
  'group-state'?: string
  'max-subcloud-rehoming'?: number
}

/** GET /subcloud-peer-groups/{group}/status. */
export interface SubcloudPeerGroupStatus {
  peer_group_id: number
  peer_group_name: string
  total_subclouds: number
  complete: number
  waiting_for_migrate: number
  rehoming: number
  rehome_failed: number
  managed: number
  unmanaged: number
}

export interface PeerGroupAssociation {
  id: number
  'peer-group-id': number
  'system-peer-id': number
  'peer-group-priority': number
  /** `primary` (created here) / `non-primary` (created by the primary site on this one). */
  'association-type': string
  /** `syncing` / `in-sync` / `out-of-sync` / `failed` / `unknown`. */
  'sync-status': string
  /** Absent from list answers. */
  'sync-message'?: string | null
  'created-at': string | null
  'updated-at': string | null
}

export interface PeerGroupAssociationRequest {
  peer_group_id: number
  system_peer_id: number
  peer_group_priority: number
}
