import {Flags} from '@oclif/core'

import {authFlags, dcmanagerFromFlags} from '../../cli/auth-flags.js'
import {BaseCommand, EXIT_CODES_HELP} from '../../cli/base-command.js'
import {jsonShape} from '../../cli/json-shape.js'
import {nameArg} from '../../cli/names.js'
import {showFlags} from '../../cli/output-flags.js'
import {passwordFlags, resolveSysadminPassword} from '../../cli/subcloud-passwords.js'
import {followSubclouds, waitFlags} from '../../cli/subcloud-wait.js'
import {SUBCLOUD_DETAIL, SUBCLOUD_SHOW_OPTIONAL, subcloudShow} from '../../core/subclouds/columns.js'
import {checkPrestageRequest, prestageBody, type PrestageRequest} from '../../core/subclouds/prestage.js'

export default class SubcloudPrestage extends BaseCommand<typeof SubcloudPrestage> {
  static summary = 'Prestage a subcloud.'
  static description = `Copies the software (and container images) of a release onto the subcloud ahead of an install or a software deployment. The System Controller takes the release as two-digit MM.mm (e.g. 24.09); without --release it prestages its own release.
--wait follows the prestage status (a dcm extension): exit 0 when complete, 1 when failed (with the error description), 4 on --timeout.

${EXIT_CODES_HELP}`
  static examples = [
    '<%= config.bin %> subcloud prestage subcloud1 --wait',
    '<%= config.bin %> subcloud prestage subcloud1 --for-sw-deploy --release 24.09 --force',
  ]
  static jsonShape = jsonShape.object(SUBCLOUD_DETAIL, SUBCLOUD_SHOW_OPTIONAL)
  static args = {subcloud: nameArg('Subcloud', {description: 'Name or ID of the subcloud to prestage.'})}
  static flags = {
    ...showFlags,
    ...authFlags,
    ...passwordFlags({
      sysadmin:
        'sysadmin password of the subcloud to be prestaged, if not provided you will be prompted. [env: DCM_SYSADMIN_PASSWORD]',
    }),
    force: Flags.boolean({description: 'Disregard subcloud management alarm condition'}),
    release: Flags.string({
      description:
        'software release used to prestage the subcloud with. Format: YY.MM or YY.MM.nn. If not specified, the current software release of the subcloud will be used.',
    }),
    'for-install': Flags.boolean({description: 'Prestage for installation. This is the default prestaging option.'}),
    'for-sw-deploy': Flags.boolean({
      description:
        'Prestage for software deploy operations. If not specified, prestaging is targeted towards full installation.',
    }),
    ...waitFlags('the prestage status'),
  }

  async run() {
    const f = this.flags
    const ref = this.args.subcloud
    const request: PrestageRequest = {
      force: f.force,
      release: f.release,
      forInstall: f['for-install'],
      forSwDeploy: f['for-sw-deploy'],
    }
    checkPrestageRequest(request)
    const password = await resolveSysadminPassword(f)
    const client = await dcmanagerFromFlags(this.flags, this.debugLine)
    let subcloud = await client.subclouds.prestage(ref, prestageBody(request, password))
    // The version is in the answer only (not stored): keep it for the table after a --wait.
    const version =
      subcloud['prestage-software-version'] ??
      (subcloud as {prestage_software_version?: string}).prestage_software_version
    if (f.wait) {
      const {prestageWatch} = await import('../../core/subclouds/day2-states.js')
      const {operationFailed} = await import('../../core/flows/wait-for-subclouds.js')
      const [only] = await this.withInterrupt((signal) =>
        followSubclouds(client, [subcloud], prestageWatch, f, signal, this.debugLine),
      )
      if (only.outcome === 'failed') throw operationFailed(prestageWatch, only.subcloud)
      subcloud = only.subcloud
    }
    // Upstream adds the row only when the answer has a version (detail_prestage_format), and never region_name.
    const {fields, values} = subcloudShow(
      {...subcloud, 'prestage-software-version': version || undefined},
      {prestageVersion: true},
    )
    return this.printShow(fields, values)
  }
}
