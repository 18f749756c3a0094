/**
 * The dcmanager API's JSON shapes (dcmanager-api.md §2-3). Keys are copied exactly, hyphens and
 * underscores mixed as the server sends them.
 */
export interface EndpointSyncStatus {
  endpoint_type: string
  sync_status: string
}

export interface Subcloud {
  id: number
  name: string
  description: string | null
  location: string | null
  'software-version': string
  'management-state': string
  'availability-status': string
  'deploy-status': string
  'backup-status': string | null
  'backup-datetime': string | null
  'error-description': string
  'region-name': string
  'management-subnet': string
  'management-start-ip': string
  'management-end-ip': string
  'management-gateway-ip': string
  'openstack-installed': boolean
  'prestage-status': string | null
  'prestage-versions': string | null
  'systemcontroller-gateway-ip': string
  data_install: string | null
  data_upgrade: string | null
  'created-at': string | null
  'updated-at': string | null
  group_id: number
  peer_group_id: number | null
  rehome_data: string | null
  /** List responses only. */
  sync_status?: string
  endpoint_sync_status?: EndpointSyncStatus[]
  /** `/detail` only. */
  oam_floating_ip?: string
  deploy_config_sync_status?: string
  region_name?: string
  /** Prestage responses only. */
  'prestage-software-version'?: string | null
  /** PATCH responses, optional. */
  info_message?: string
}

export interface SubcloudGroup {
  id: number
  name: string
  description: string
  update_apply_type: string
  max_parallel_subclouds: number
  'created-at': string | null
  'updated-at': string | null
  /** List responses only. */
  subcloud_count?: number
}

export interface AlarmSummary {
  region_name: string | null
  uuid?: string
  critical_alarms: number
  major_alarms: number
  minor_alarms: number
  warnings: number
  cloud_status: string
}

export interface GroupRequest {
  name?: string
  description?: string
  update_apply_type?: string
  max_parallel_subclouds?: number
}

/** `/subcloud-deploy` (dcmanager-api.md §2.3): the deploy files stored for one release; null where none. */
export interface DeployFiles {
  software_version: string | null
  deploy_playbook: string | null
  deploy_overrides: string | null
  deploy_chart: string | null
  prestage_images: string | null
}
