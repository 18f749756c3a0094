import {Flags} from '@oclif/core'

import {authFlags, dcmanagerFromFlags} from '../../cli/auth-flags.js'
import {BACKUP_RESULT_SHAPE, BackupResultCommand} from '../../cli/backup-result-command.js'
import {EXIT_CODES_HELP} from '../../cli/base-command.js'
import {listerFlags} from '../../cli/output-flags.js'
import {passwordFlags, resolveSysadminPassword} from '../../cli/subcloud-passwords.js'
import {waitFlags} from '../../cli/subcloud-wait.js'
import {buildCreateForm, checkCreateRequest, type BackupCreateRequest} from '../../core/subclouds/backup.js'
import {showFormatter} from '../../core/output/formats.js'

export default class SubcloudBackupCreate extends BackupResultCommand<typeof SubcloudBackupCreate> {
  static summary = 'Backup a subcloud or group of subclouds'
  static description = `Stored on the System Controller, or with --local-only on the subcloud itself. --backup-values is checked before anything is sent (a YAML mapping; max_home_dir_usage a whole number): a bad file is exit 2 naming file:line:col.
--wait follows the backup status (a dcm extension): for a subcloud, exit 0 when complete-central/complete-local, 1 on failed/validate-failed/backup-prep-failed (with the error description), 4 on --timeout; for a group, a summary table with one row per subcloud, exit 1 when any failed.

${EXIT_CODES_HELP}`
  static examples = [
    '<%= config.bin %> subcloud-backup create --subcloud subcloud1 --wait',
    '<%= config.bin %> subcloud-backup create --group Default --local-only --registry-images --wait',
  ]
  static jsonShape = BACKUP_RESULT_SHAPE
  static flags = {
    ...listerFlags,
    ...authFlags,
    'local-only': Flags.boolean({
      description:
        'If included, backup files will be stored on the subcloud. Otherwise, they will be transferred and stored in dedicated location on the system controller.',
    }),
    'registry-images': Flags.boolean({
      description:
        'If included, container images backup file will also be generated. This option can only be used with --local-only option.',
    }),
    ...passwordFlags({
      sysadmin:
        'sysadmin password of the subcloud to create backup, if not provided you will be prompted. [env: DCM_SYSADMIN_PASSWORD]',
    }),
    'backup-values': Flags.string({description: 'YAML file containing subcloud backup settings.'}),
    subcloud: Flags.string({description: 'Name or ID of the subcloud to create backup.'}),
    group: Flags.string({description: 'Name or ID of the group to create backup.'}),
    ...waitFlags('the backup status'),
  }

  async run() {
    const f = this.flags
    const request: BackupCreateRequest = {
      subcloud: f.subcloud,
      group: f.group,
      localOnly: f['local-only'],
      registryImages: f['registry-images'],
      backupValues: f['backup-values'],
    }
    const single = !f.group?.trim()
    await checkCreateRequest(request)
    // A subcloud is shown as ShowOne: refuse a list-only format (csv) now, not after the backup was started.
    if (single) showFormatter(f.format)
    const password = await resolveSysadminPassword(f)
    const client = await dcmanagerFromFlags(this.flags, this.debugLine)
    const subclouds = await client.subcloudBackups.create(await buildCreateForm(request, password))
    const watch = f.wait ? (await import('../../core/subclouds/day2-states.js')).backupCreateWatch : undefined
    return this.showBackupResult(client, subclouds, {single, watch, flags: f})
  }
}
