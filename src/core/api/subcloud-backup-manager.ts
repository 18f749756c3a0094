import {OperationError} from '../errors.js'
import type {DcmanagerRequest} from './dcmanager-request.js'
import {encodeRef} from './dcmanager-request.js'
import type {Subcloud} from './dcmanager-types.js'
import type {FormField} from './multipart.js'
import {describeJson} from './response-shape.js'

/**
 * `/v1.0/subcloud-backup` (dcmanager-api.md §2.5, subcloud-lifecycle.md §5), like the upstream client's
 * `subcloud_backup_manager.py`: multipart forms for a subcloud or a group, central or local.
 */
export class SubcloudBackupManager {
  constructor(private readonly http: DcmanagerRequest) {}

  /** POST: answers every member of the subcloud or group as stored before the request (the work is cast). */
  create(fields: FormField[]): Promise<Subcloud[]> {
    return this.http.formList<Subcloud>(
      'POST',
      '/subcloud-backup/',
      'subclouds',
      'Unable to create subcloud backup',
      fields,
    )
  }

  /**
   * PATCH `delete/{release}`: synchronous. 204 (every member's backup deleted) is undefined; 207 is the server's
   * warning text ("... completed with warnings: ..."), which upstream's CLI turns into exit 1.
   */
  async delete(release: string, fields: FormField[]): Promise<string | undefined> {
    const path = `/subcloud-backup/delete/${encodeRef(release)}`
    const answer = await this.http.form<unknown>('PATCH', path, 'Unable to delete backup', fields)
    if (answer === undefined || answer === null || typeof answer === 'string') return answer ?? undefined
    throw new OperationError(
      `PATCH ${path}: the server answered with ${describeJson(answer)} where nothing or a warning text was expected`,
    )
  }

  /** PATCH `restore`: answers only the accepted members, shown as `pre-restore` (the work is cast). */
  restore(fields: FormField[]): Promise<Subcloud[]> {
    return this.http.formList<Subcloud>(
      'PATCH',
      '/subcloud-backup/restore',
      'subclouds',
      'Unable to restore subcloud backup',
      fields,
    )
  }
}
