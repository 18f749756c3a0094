import type {Subcloud} from '../api/dcmanager-types.js'
import type {SubcloudOutcome} from '../flows/wait-for-subclouds.js'
import {errorDetail} from '../flows/wait-for-subclouds.js'
import type {Cell} from '../output/types.js'
import {SUBCLOUD_DETAIL, subcloudShow} from './columns.js'

/**
 * The upstream backup client's own detail format (dcmanager-api.md §5.3 BACKUP_DETAIL): the subcloud detail without
 * `peer_group_id`, `prestage_status`, `prestage_versions`; a single subcloud adds its endpoint rows (and
 * `oam_floating_ip`, never present in practice), a group is a list of the 18 columns.
 */
const LEFT_OUT = new Set(['peer_group_id', 'prestage_status', 'prestage_versions'])
export const BACKUP_DETAIL = SUBCLOUD_DETAIL.filter((column) => !LEFT_OUT.has(column))
export const BACKUP_SHOW_OPTIONAL = ['<endpoint>_sync_status', 'oam_floating_ip']

/** The per-subcloud summary of a followed group backup or restore (a dcm extension). */
export const BACKUP_SUMMARY = ['name', 'result', 'backup status', 'backup datetime', 'deploy status', 'detail']

export function backupRow(subcloud: Subcloud): Cell[] {
  const {fields, values} = subcloudShow(subcloud)
  return BACKUP_DETAIL.map((column) => values[fields.indexOf(column)] ?? null)
}

export function backupShow(subcloud: Subcloud): {fields: string[]; values: Cell[]} {
  const {fields, values} = subcloudShow({...subcloud, deploy_config_sync_status: undefined})
  const keep = fields.map((field) => !LEFT_OUT.has(field))
  return {fields: fields.filter((_, i) => keep[i]), values: values.filter((_, i) => keep[i])}
}

/** One row of the summary: how the subcloud ended, and the first line of its error description when it failed. */
export function summaryRow({subcloud, outcome}: SubcloudOutcome): Cell[] {
  return [
    subcloud.name,
    outcome === 'done' ? 'ok' : 'failed',
    subcloud['backup-status'] ?? null,
    subcloud['backup-datetime'] ?? null,
    subcloud['deploy-status'] ?? null,
    outcome === 'done' ? '' : errorDetail(subcloud).replace(/^: /, ''),
  ]
}
