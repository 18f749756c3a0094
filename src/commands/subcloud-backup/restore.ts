import {Flags} from '@oclif/core'

import {authFlags, dcmanagerFromFlags} from '../../cli/auth-flags.js'
import {BACKUP_RESULT_SHAPE, BackupResultCommand} from '../../cli/backup-result-command.js'
import {EXIT_CODES_HELP} from '../../cli/base-command.js'
import {listerFlags} from '../../cli/output-flags.js'
import {confirmHighRisk} from '../../cli/prompts.js'
import {passwordFlags, resolveSysadminPassword} from '../../cli/subcloud-passwords.js'
import {waitFlags} from '../../cli/subcloud-wait.js'
import {buildRestoreForm, checkRestoreRequest, type BackupRestoreRequest} from '../../core/subclouds/backup.js'
import {showFormatter} from '../../core/output/formats.js'

export default class SubcloudBackupRestore extends BackupResultCommand<typeof SubcloudBackupRestore> {
  static summary = 'Restore a subcloud or group of subclouds from backup'
  static description = `The subclouds must be unmanaged; they stay unmanaged after the restore (run 'subcloud manage'). --restore-values is checked before anything is sent (a YAML mapping; bootstrap_address a map of subcloud names to addresses; restore_timeout numeric): a bad file is exit 2 naming file:line:col.
--wait follows the deploy status (a dcm extension): exit 0 when complete (factory-restore-complete with --factory), 1 on a failure state (with the error description), 4 on --timeout; for a group, a summary table with one row per restored subcloud, exit 1 when any failed.
As upstream, only the --subcloud form asks for confirmation (when CLI_CONFIRMATIONS=enabled and --yes is absent).

${EXIT_CODES_HELP}`
  static examples = [
    '<%= config.bin %> subcloud-backup restore --subcloud subcloud1 --wait',
    '<%= config.bin %> subcloud-backup restore --subcloud subcloud1 --with-install --release 24.09 --restore-values restore.yml',
    '<%= config.bin %> subcloud-backup restore --group Default --local-only --registry-images --wait',
  ]
  static jsonShape = BACKUP_RESULT_SHAPE
  static flags = {
    ...listerFlags,
    ...authFlags,
    'with-install': Flags.boolean({
      description: 'If included, the subcloud will be reinstalled prior to being restored from backup data.',
    }),
    release: Flags.string({
      description:
        'Software release used to install, bootstrap and/or deploy the subcloud with. If not specified, the current software release of the system controller will be used.',
    }),
    'local-only': Flags.boolean({
      description:
        'If included, the subcloud will be restored from backup data previously saved on the subcloud. Otherwise, it will be restored from backup data previously saved on the system controller.',
    }),
    'registry-images': Flags.boolean({
      description:
        'If included, user images will be restored post platform restore. This option can only be used with --local-only option.',
    }),
    'restore-values': Flags.string({
      description:
        'Reference to the restore playbook overrides yaml file, as listed in the product documentation for the ansible restore.',
    }),
    auto: Flags.boolean({
      description:
        'If included, the restore of the subcloud will be triggered using BMC connectivity. Use this option when there is no OAM connectivity to the subcloud prior to the restore. This option can be used with or without --local-only and --with-install options.',
    }),
    factory: Flags.boolean({
      description:
        'If included, the subcloud will be installed and automatically restored from the local factory backup on the subcloud using BMC connectivity. Use this option when there is no OAM connectivity to the subcloud prior to the restore. This option implies --with-install and --local-only.',
    }),
    ...passwordFlags({
      sysadmin:
        'sysadmin password of the subcloud to be restored, if not provided you will be prompted. [env: DCM_SYSADMIN_PASSWORD]',
    }),
    subcloud: Flags.string({description: 'Name or ID of the subcloud to restore.'}),
    group: Flags.string({description: 'Name or ID of the subcloud group to restore.'}),
    yes: Flags.boolean({description: 'Skip confirmation and proceed with the action.'}),
    ...waitFlags('the deploy status'),
  }

  async run() {
    const f = this.flags
    const request: BackupRestoreRequest = {
      subcloud: f.subcloud,
      group: f.group,
      withInstall: f['with-install'],
      release: f.release,
      localOnly: f['local-only'],
      registryImages: f['registry-images'],
      restoreValues: f['restore-values'],
      auto: f.auto,
      factory: f.factory,
    }
    const single = !f.group?.trim()
    await checkRestoreRequest(request)
    // A subcloud is shown as ShowOne: refuse a list-only format (csv) now, not after the backup was started.
    if (single) showFormatter(f.format)
    // Upstream's Lister path (--group) never asks (dcmanager-api.md Q17).
    if (single) await confirmHighRisk(f.yes)
    const password = await resolveSysadminPassword(f)
    const client = await dcmanagerFromFlags(this.flags, this.debugLine)
    const subclouds = await client.subcloudBackups.restore(await buildRestoreForm(request, password))
    const watch = f.wait ? (await import('../../core/subclouds/day2-states.js')).restoreWatch : undefined
    return this.showBackupResult(client, subclouds, {single, watch, flags: f})
  }
}
