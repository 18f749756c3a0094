import {randomUUID} from 'node:crypto'

import {pythonTimestamp} from './python-time.js'

/**
 * The lab's subcloud row and how dcmanager renders it (dcmanager-api.md §3). Records are stored in the lab's
 * state file in this camelCase form; `subcloudToApi` produces the exact JSON keys and key order of the server's
 * `subcloud_db_model_to_dict`.
 */
export type SyncStatus = 'in-sync' | 'out-of-sync' | 'unknown'

/** Endpoint types with a status row per subcloud, in the alphabetical order `show` returns them. */
export const ENDPOINT_TYPES = ['dc-cert', 'firmware', 'identity', 'kube-rootca', 'kubernetes', 'platform', 'software']

export interface SubcloudRecord {
  id: number
  name: string
  description: string | null
  location: string | null
  softwareVersion: string
  managementState: 'managed' | 'unmanaged'
  availabilityStatus: 'online' | 'offline'
  deployStatus: string
  backupStatus: string | null
  backupDatetime: string | null
  errorDescription: string
  regionName: string
  managementSubnet: string
  managementStartIp: string
  managementEndIp: string
  managementGatewayIp: string
  openstackInstalled: boolean
  prestageStatus: string | null
  prestageVersions: string | null
  systemcontrollerGatewayIp: string
  /** Stored install values as a JSON string, with the BMC password removed (the lab never writes secrets). */
  dataInstall: string | null
  createdAt: string
  updatedAt: string | null
  groupId: number
  peerGroupId: number | null
  rehomeData: string | null
  endpointSyncStatus: Record<string, SyncStatus>
  /** Not part of the API dict: inputs of the lab's deploy and audit. */
  bootstrapAddress: string
  oamFloatingAddress: string
  /** Every management (or admin) subnet of the subcloud, all families: the overlap checks of later adds. */
  managementSubnets: string[]
  /** Start-end ranges per family, for the range-overlap check of later adds. */
  managementRanges: Array<{start: string; end: string}>
  hasDeployConfig: boolean
  /** Lab fault injection (`dcm lab subcloud set`): endpoint statuses the audit reports instead of in-sync. */
  syncOverrides?: Record<string, SyncStatus>
  /** Lab fault injection: the strategy step of this subcloud fails in this state. */
  strategyFault?: {state: string; reason?: string}
  /** Lab fault injection: the next run of this deploy/backup/prestage state fails (once). */
  deployFault?: {state: string; reason?: string}
  /**
   * Upstream's inventory flag `initial_deployment` (subcloud-lifecycle.md §1.4): false after enroll, migrate,
   * backup or restore; install, abort and resume refuse then. Absent means true (upstream: file missing).
   */
  initialDeployment?: boolean
  /** The deploy-config file name stored for the subcloud (upstream `<name>_deploy_config.yml`). */
  deployConfigName?: string
  /** Lab fault injection: the next rehome (migrate) of this subcloud at this site fails with this reason. */
  rehomeFault?: string
}

export const NO_ERRORS = 'No errors present'

export interface NewSubcloud {
  id: number
  name: string
  description?: string | null
  location?: string | null
  softwareVersion: string
  deployStatus?: string
  managementSubnet: string
  managementStartIp: string
  managementEndIp: string
  managementGatewayIp: string
  systemcontrollerGatewayIp: string
  groupId?: number
  bootstrapAddress: string
  oamFloatingAddress: string
  managementSubnets?: string[]
  managementRanges?: Array<{start: string; end: string}>
  dataInstall?: string | null
  hasDeployConfig?: boolean
  createdAt?: string
}

export function newSubcloudRecord(fields: NewSubcloud): SubcloudRecord {
  return {
    id: fields.id,
    name: fields.name,
    description: fields.description ?? null,
    location: fields.location ?? null,
    softwareVersion: fields.softwareVersion,
    managementState: 'unmanaged',
    availabilityStatus: 'offline',
    deployStatus: fields.deployStatus ?? 'not-deployed',
    backupStatus: null,
    backupDatetime: null,
    errorDescription: NO_ERRORS,
    // dcmanager generates a uuid4 without dashes as the subcloud's keystone region.
    regionName: randomUUID().replace(/-/g, ''),
    managementSubnet: fields.managementSubnet,
    managementStartIp: fields.managementStartIp,
    managementEndIp: fields.managementEndIp,
    managementGatewayIp: fields.managementGatewayIp,
    openstackInstalled: false,
    prestageStatus: null,
    prestageVersions: null,
    systemcontrollerGatewayIp: fields.systemcontrollerGatewayIp,
    dataInstall: fields.dataInstall ?? null,
    createdAt: fields.createdAt ?? pythonTimestamp(),
    updatedAt: null,
    groupId: fields.groupId ?? 1,
    peerGroupId: null,
    rehomeData: null,
    endpointSyncStatus: Object.fromEntries(ENDPOINT_TYPES.map((type) => [type, 'unknown' as SyncStatus])),
    bootstrapAddress: fields.bootstrapAddress,
    oamFloatingAddress: fields.oamFloatingAddress,
    managementSubnets: fields.managementSubnets ?? [fields.managementSubnet],
    managementRanges: fields.managementRanges ?? [{start: fields.managementStartIp, end: fields.managementEndIp}],
    hasDeployConfig: fields.hasDeployConfig ?? false,
  }
}

const FAILURE_HINTS: Record<string, string> = {
  'bootstrap-failed':
    "For bootstrap failures, please use 'dcmanager subcloud deploy resume' after the cause of failure has been resolved.",
  'config-failed':
    'For configuration failures, please use dcmanager subcloud deploy config command to reconfigure the subcloud after the cause of failure has been resolved.',
}

/** The server dict, keys and order exactly as `subcloud_db_model_to_dict` (§3.1). */
export function subcloudToApi(record: SubcloudRecord, options: {enrichErrors?: boolean} = {}): Record<string, unknown> {
  let errorDescription = record.errorDescription
  const hint = FAILURE_HINTS[record.deployStatus]
  // GET responses append the operator hint for failed phases (§2.1).
  if (options.enrichErrors && hint && errorDescription !== NO_ERRORS) errorDescription = `${errorDescription}\n${hint}`
  return {
    id: record.id,
    name: record.name,
    description: record.description,
    location: record.location,
    'software-version': record.softwareVersion,
    'management-state': record.managementState,
    'availability-status': record.availabilityStatus,
    'deploy-status': record.deployStatus,
    'backup-status': record.backupStatus,
    'backup-datetime': record.backupDatetime,
    'error-description': errorDescription,
    'region-name': record.regionName,
    'management-subnet': record.managementSubnet,
    'management-start-ip': record.managementStartIp,
    'management-end-ip': record.managementEndIp,
    'management-gateway-ip': record.managementGatewayIp,
    'openstack-installed': record.openstackInstalled,
    'prestage-status': record.prestageStatus,
    'prestage-versions': record.prestageVersions,
    'systemcontroller-gateway-ip': record.systemcontrollerGatewayIp,
    data_install: record.dataInstall,
    data_upgrade: null,
    'created-at': record.createdAt,
    'updated-at': record.updatedAt,
    group_id: record.groupId,
    peer_group_id: record.peerGroupId,
    rehome_data: record.rehomeData,
  }
}

export function endpointSyncList(record: SubcloudRecord): Array<{endpoint_type: string; sync_status: SyncStatus}> {
  return ENDPOINT_TYPES.map((type) => ({
    endpoint_type: type,
    sync_status: record.endpointSyncStatus[type] ?? 'unknown',
  }))
}

/** The list's aggregate: the common value when all endpoints agree, else out-of-sync (quirk Q14). */
export function aggregateSync(record: SubcloudRecord): SyncStatus {
  const values = new Set(ENDPOINT_TYPES.map((type) => record.endpointSyncStatus[type] ?? 'unknown'))
  return values.size === 1 ? [...values][0] : 'out-of-sync'
}

export {TRANSITORY_DEPLOY_STATES} from '../../core/subclouds/transient-state.js'

/** Deploy states during which DELETE is refused (§2.1.5 rule 2). */
export const ACTIVE_DEPLOY_STATES = new Set([
  'pre-deploy',
  'creating',
  'pre-install',
  'installing',
  'pre-bootstrap',
  'bootstrapping',
  'pre-config',
  'configuring',
  'deploying',
  'aborting-install',
  'aborting-bootstrap',
  'aborting-config',
  'pre-restore',
  'restoring',
  'onsite-restoring',
  'pre-rehome',
  'rehoming',
  'rehome-pending',
  'reconfiguring-network',
  'pre-init-enroll',
  'initiating-enroll',
  'pre-enroll',
  'enrolling',
])
