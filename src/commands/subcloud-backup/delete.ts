import {Args, Flags} from '@oclif/core'

import {authFlags, dcmanagerFromFlags} from '../../cli/auth-flags.js'
import {BaseCommand, EXIT_CODES_HELP} from '../../cli/base-command.js'
import {jsonShape} from '../../cli/json-shape.js'
import {confirmHighRisk} from '../../cli/prompts.js'
import {passwordFlags, resolveSysadminPassword} from '../../cli/subcloud-passwords.js'
import {OperationError} from '../../core/errors.js'
import {buildDeleteForm, checkDeleteRequest, type BackupDeleteRequest} from '../../core/subclouds/backup.js'

export default class SubcloudBackupDelete extends BaseCommand<typeof SubcloudBackupDelete> {
  static summary = 'Delete backup from a subcloud or group of subclouds'
  static description = `Synchronous, as upstream: prints nothing when every backup was deleted; when some subclouds were skipped or failed, the System Controller's warning text is the error (exit 1). The sysadmin password is asked for only with --local-only (the backup is on the subcloud then). Asks for confirmation only when CLI_CONFIRMATIONS=enabled and --yes is absent.

${EXIT_CODES_HELP}`
  static examples = [
    '<%= config.bin %> subcloud-backup delete 24.09 --subcloud subcloud1',
    '<%= config.bin %> subcloud-backup delete 24.09 --group Default --local-only --yes',
  ]
  static jsonShape = jsonShape.none()
  static args = {
    release: Args.string({description: 'Release version that the user is trying to delete.', required: true}),
  }
  static flags = {
    ...authFlags,
    'local-only': Flags.boolean({
      description:
        'If included, backup files will be deleted from the subcloud. Otherwise, they will be deleted from the centralized archive on the system controller.',
    }),
    ...passwordFlags({
      sysadmin:
        'sysadmin password of the subcloud to delete backup, if not provided you will be prompted. [env: DCM_SYSADMIN_PASSWORD]',
    }),
    subcloud: Flags.string({description: 'Name or ID of the subcloud to delete backup.'}),
    group: Flags.string({description: 'Name or ID of the subcloud to delete backup.'}),
    yes: Flags.boolean({description: 'Skip confirmation and proceed with the action.'}),
  }

  async run() {
    const f = this.flags
    const request: BackupDeleteRequest = {
      release: this.args.release,
      subcloud: f.subcloud,
      group: f.group,
      localOnly: f['local-only'],
    }
    checkDeleteRequest(request)
    await confirmHighRisk(f.yes)
    // Upstream sends a given password always, and asks for one only with --local-only.
    const given = f['sysadmin-password'] !== undefined || f['sysadmin-password-stdin']
    const password = given || request.localOnly ? await resolveSysadminPassword(f) : undefined
    const client = await dcmanagerFromFlags(this.flags, this.debugLine)
    const warnings = await client.subcloudBackups.delete(request.release, buildDeleteForm(request, password))
    // 207: upstream's client returns the text as the command's result, which Python prints to stderr, exit 1.
    // Its sentences are split over lines; dcm's error is one line, so they are joined.
    if (warnings !== undefined) throw new OperationError(warnings.replace(/\s*\n\s*/g, ' ').trim())
  }
}
