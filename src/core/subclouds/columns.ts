import type {AlarmSummary, Subcloud, SubcloudGroup} from '../api/dcmanager-types.js'
import {noneRow} from '../output/index.js'
import type {Cell} from '../output/types.js'

/**
 * dcmanager's column sets and the mapping from API objects to rows (dcmanager-api.md §5.3), so that
 * scripts parsing `dcmanager` output keep working on `dcm` output.
 */
export const SUBCLOUD_LIST = [
  'id',
  'name',
  'management',
  'availability',
  'deploy status',
  'sync',
  'backup status',
  'prestage status',
]

export const SUBCLOUD_DETAIL = [
  'id',
  'name',
  'description',
  'location',
  'software_version',
  'management',
  'availability',
  'deploy_status',
  'management_subnet',
  'management_start_ip',
  'management_end_ip',
  'management_gateway_ip',
  'systemcontroller_gateway_ip',
  'group_id',
  'peer_group_id',
  'created_at',
  'updated_at',
  'backup_status',
  'backup_datetime',
  'prestage_status',
  'prestage_versions',
]

/** SUBCLOUD_DETAIL with `sync` after `deploy_status` (`subcloud list -d` or any `-c`). */
/** Fields a subcloud show adds when the response has them (`<endpoint>` is each endpoint type). */
export const SUBCLOUD_SHOW_OPTIONAL = [
  '<endpoint>_sync_status',
  'oam_floating_ip',
  'deploy_config_sync_status',
  'region_name',
  'prestage_software_version',
]

export const SUBCLOUD_LIST_DETAIL = [...SUBCLOUD_DETAIL.slice(0, 8), 'sync', ...SUBCLOUD_DETAIL.slice(8)]

export const GROUP_LIST = ['id', 'name', 'description']
export const GROUP_DETAIL = [
  'id',
  'name',
  'description',
  'update apply type',
  'max parallel subclouds',
  'created_at',
  'updated_at',
]
export const ALARMS = ['NAME', 'CRITICAL_ALARMS', 'MAJOR_ALARMS', 'MINOR_ALARMS', 'WARNINGS', 'STATUS']

/** Deploy states the list hides unless `--all` (peer-site copies). */
export const SECONDARY_STATES = new Set(['secondary', 'secondary-failed'])

/** One API value as a table cell: null for absent, objects as JSON. */
export const cell = (value: unknown): Cell =>
  value === undefined || value === null
    ? null
    : typeof value === 'object'
      ? JSON.stringify(value)
      : (value as string | number | boolean)

export function subcloudListRow(subcloud: Subcloud): Cell[] {
  // One array per row (not a literal then a mapped copy): the list builds 5,000 of them.
  return [
    cell(subcloud.id),
    cell(subcloud.name),
    cell(subcloud['management-state']),
    cell(subcloud['availability-status']),
    cell(subcloud['deploy-status']),
    cell(subcloud.sync_status),
    cell(subcloud['backup-status']),
    cell(subcloud['prestage-status']),
  ]
}

/**
 * The detail values, with `sync` after deploy_status for the list's detail columns: one array per row, each
 * value made a cell as it is placed (`subcloud list -d` builds 5,000 of them).
 */
function detailValues(subcloud: Subcloud, withSync = false): Cell[] {
  const values: Cell[] = [
    cell(subcloud.id),
    cell(subcloud.name),
    cell(subcloud.description),
    cell(subcloud.location),
    cell(subcloud['software-version']),
    cell(subcloud['management-state']),
    cell(subcloud['availability-status']),
    cell(subcloud['deploy-status']),
  ]
  if (withSync) values.push(cell(subcloud.sync_status))
  values.push(
    cell(subcloud['management-subnet']),
    cell(subcloud['management-start-ip']),
    cell(subcloud['management-end-ip']),
    cell(subcloud['management-gateway-ip']),
    cell(subcloud['systemcontroller-gateway-ip']),
    cell(subcloud.group_id),
    cell(subcloud.peer_group_id),
    cell(subcloud['created-at']),
    cell(subcloud['updated-at']),
    cell(subcloud['backup-status']),
    cell(subcloud['backup-datetime']),
    cell(subcloud['prestage-status']),
    cell(subcloud['prestage-versions']),
  )
  return values
}

export function subcloudListDetailRow(subcloud: Subcloud): Cell[] {
  return detailValues(subcloud, true)
}

/** The 21 detail values without the per-endpoint rows (`subcloud-group list-subclouds`). */
export function subcloudDetailRow(subcloud: Subcloud): Cell[] {
  return detailValues(subcloud)
}

export interface ShowOptions {
  /**
   * Append `region_name` when present: `subcloud show` only (dcmanager's detail_show_format). add, manage,
   * unmanage and update print the plain detail format, without it, as dcmanager does.
   */
  region?: boolean
  /** `prestage_software_version` when the response has it (prestage). */
  prestageVersion?: boolean
}

/**
 * The ShowOne of a subcloud: SUBCLOUD_DETAIL, then one `<endpoint>_sync_status` row per endpoint in the
 * server's order, then `oam_floating_ip` unless `unavailable`, `deploy_config_sync_status` unless
 * `unknown`, then (show only) `region_name` when non-empty.
 */
export function subcloudShow(subcloud: Subcloud, options: ShowOptions = {}): {fields: string[]; values: Cell[]} {
  const fields = [...SUBCLOUD_DETAIL]
  const values = detailValues(subcloud)
  for (const status of subcloud.endpoint_sync_status ?? []) {
    fields.push(`${status.endpoint_type}_sync_status`)
    values.push(cell(status.sync_status))
  }
  if (subcloud.oam_floating_ip !== undefined && subcloud.oam_floating_ip !== 'unavailable') {
    fields.push('oam_floating_ip')
    values.push(cell(subcloud.oam_floating_ip))
  }
  if (subcloud.deploy_config_sync_status !== undefined && subcloud.deploy_config_sync_status !== 'unknown') {
    fields.push('deploy_config_sync_status')
    values.push(cell(subcloud.deploy_config_sync_status))
  }
  const region = subcloud.region_name ?? subcloud['region-name']
  if (options.region && region) {
    fields.push('region_name')
    values.push(cell(region))
  }
  if (options.prestageVersion && subcloud['prestage-software-version'] !== undefined) {
    fields.push('prestage_software_version')
    values.push(cell(subcloud['prestage-software-version']))
  }
  return {fields, values}
}

export function groupListRow(group: SubcloudGroup): Cell[] {
  return [group.id, group.name, group.description].map(cell)
}

export function groupDetail(group: SubcloudGroup): Cell[] {
  return [
    group.id,
    group.name,
    group.description,
    group.update_apply_type,
    group.max_parallel_subclouds,
    group['created-at'],
    group['updated-at'],
  ].map(cell)
}

/** Alarm summary rows: a missing name or a negative count (alarms unavailable) shows as `-`. */
export function alarmRow(alarm: AlarmSummary): Cell[] {
  const count = (value: number | null | undefined): Cell =>
    value === null || value === undefined || value < 0 ? '-' : value
  return [
    alarm.region_name ?? '-',
    count(alarm.critical_alarms),
    count(alarm.major_alarms),
    count(alarm.minor_alarms),
    count(alarm.warnings),
    cell(alarm.cloud_status),
  ]
}

/** dcmanager never prints an empty table: an empty list becomes one row of `<none>` (not for --json). */
export function rowsOrNone(columns: readonly string[], rows: Cell[][], json: boolean): Cell[][] {
  return rows.length > 0 || json ? rows : [noneRow(columns)]
}
