import type {Command} from '@oclif/core'

import type {DcmanagerClient} from '../core/api/dcmanager-client.js'
import type {Subcloud} from '../core/api/dcmanager-types.js'
import type {SubcloudWatch} from '../core/flows/wait-for-subclouds.js'
import type {Cell} from '../core/output/types.js'
import {
  BACKUP_DETAIL,
  BACKUP_SHOW_OPTIONAL,
  BACKUP_SUMMARY,
  backupRow,
  backupShow,
  summaryRow,
} from '../core/subclouds/backup-columns.js'
import {rowsOrNone} from '../core/subclouds/columns.js'
import {BaseCommand} from './base-command.js'
import {jsonShape} from './json-shape.js'
import {followSubclouds, type WaitFlagValues} from './subcloud-wait.js'

/**
 * What `subcloud-backup create` and `restore` do with the server's answer: upstream prints it (one subcloud as
 * ShowOne, a group as the 18-column list); with `--wait` dcm follows the subclouds to rest first, then shows the
 * one subcloud (exit 1 when it failed) or a summary row per subcloud (exit 1 naming the failed ones).
 */
/** What showBackupResult prints with --json: one subcloud, the group's subclouds, or the summary after --wait. */
export const BACKUP_RESULT_SHAPE = jsonShape.oneOf(
  jsonShape.object(BACKUP_DETAIL, BACKUP_SHOW_OPTIONAL),
  jsonShape.list(BACKUP_DETAIL),
  jsonShape.list(BACKUP_SUMMARY),
)

export abstract class BackupResultCommand<T extends typeof Command> extends BaseCommand<T> {
  // oclif's manifest reads this per class in the chain: restated so that --json stays on the subclasses.
  static enableJsonFlag = true

  protected async showBackupResult(
    client: DcmanagerClient,
    subclouds: Subcloud[],
    options: {single: boolean; watch?: SubcloudWatch; flags: WaitFlagValues},
  ): Promise<Record<string, Cell> | Record<string, Cell>[]> {
    const {single, watch} = options
    if (!watch || subclouds.length === 0) {
      if (single && subclouds.length > 0) {
        const {fields, values} = backupShow(subclouds[0])
        return this.printShow(fields, values)
      }
      return this.printList(BACKUP_DETAIL, rowsOrNone(BACKUP_DETAIL, subclouds.map(backupRow), this.jsonEnabled()))
    }
    const {groupFailure, operationFailed} = await import('../core/flows/wait-for-subclouds.js')
    const outcomes = await this.withInterrupt((signal) =>
      followSubclouds(client, subclouds, watch, options.flags, signal, this.debugLine),
    )
    if (single) {
      const [only] = outcomes
      if (only.outcome === 'failed') throw operationFailed(watch, only.subcloud)
      const {fields, values} = backupShow(only.subcloud)
      return this.printShow(fields, values)
    }
    const records = this.printList(BACKUP_SUMMARY, outcomes.map(summaryRow))
    const failure = groupFailure(watch, outcomes)
    if (failure) throw failure
    return records
  }
}
