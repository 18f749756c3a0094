import {Flags} from '@oclif/core'

import {authFlags, dcmanagerFromFlags} from '../../cli/auth-flags.js'
import {BaseCommand, EXIT_CODES_HELP} from '../../cli/base-command.js'
import {phaseFlags} from '../../cli/deploy-phase-command.js'
import {jsonShape} from '../../cli/json-shape.js'
import {nameArg} from '../../cli/names.js'
import {showFlags} from '../../cli/output-flags.js'
import {confirmHighRisk} from '../../cli/prompts.js'
import {resolveBmcPassword, resolveSysadminPassword} from '../../cli/subcloud-passwords.js'
import {followSubclouds, waitFlags} from '../../cli/subcloud-wait.js'
import {SUBCLOUD_DETAIL, SUBCLOUD_SHOW_OPTIONAL, subcloudShow} from '../../core/subclouds/columns.js'
import {buildRedeployForm, checkRedeployRequest, type RedeployRequest} from '../../core/subclouds/redeploy.js'

export default class SubcloudRedeploy extends BaseCommand<typeof SubcloudRedeploy> {
  static summary = 'Redeploy a subcloud.'
  static description = `Reinstalls, bootstraps and (with a deploy config) configures an offline, unmanaged subcloud, with the stored values for any file not given. The files are checked before anything is sent (install values by upstream's rules, file:line:col, exit 2). The sysadmin password is always needed; the BMC password is sent when given, and asked for with --install-values.
--wait follows the deploy status (a dcm extension): exit 0 when complete, 1 on a failure state (with the error description), 4 on --timeout. Asks for confirmation only when CLI_CONFIRMATIONS=enabled and --yes is absent.

${EXIT_CODES_HELP}`
  static examples = [
    '<%= config.bin %> subcloud redeploy subcloud1 --wait',
    '<%= config.bin %> subcloud redeploy subcloud1 --install-values install.yml --bootstrap-values subcloud1.yml --release 24.09',
  ]
  static jsonShape = jsonShape.object(SUBCLOUD_DETAIL, SUBCLOUD_SHOW_OPTIONAL)
  static args = {subcloud: nameArg('Subcloud', {description: 'Name or ID of the subcloud to redeploy.'})}
  static flags = {
    ...showFlags,
    ...authFlags,
    'install-values': phaseFlags.installValues,
    'bootstrap-values': Flags.string({description: 'YAML file containing subcloud configuration settings.'}),
    'deploy-config': Flags.string({
      description: 'YAML file containing subcloud variables to be passed to the deploy playbook.',
    }),
    ...phaseFlags.sysadminPassword,
    ...phaseFlags.bmcPassword,
    release: Flags.string({
      description:
        'software release used to install, bootstrap and/or deploy the subcloud with. If not specified, the current software release of the system controller will be used.',
    }),
    yes: Flags.boolean({description: 'Skip confirmation and proceed with the action.'}),
    ...waitFlags('the deploy status', 7200),
  }

  async run() {
    const f = this.flags
    const ref = this.args.subcloud
    const request: RedeployRequest = {
      installValues: f['install-values'],
      bootstrapValues: f['bootstrap-values'],
      deployConfig: f['deploy-config'],
      release: f.release,
    }
    await checkRedeployRequest(request)
    await confirmHighRisk(f.yes)
    const sysadminPassword = await resolveSysadminPassword(f)
    // A given --bmc-password is always sent (upstream); without it, one is asked for only with --install-values.
    const bmcPassword = f['bmc-password'] || request.installValues ? await resolveBmcPassword(f) : undefined
    const client = await dcmanagerFromFlags(this.flags, this.debugLine)
    let subcloud = await client.subclouds.redeploy(
      ref,
      await buildRedeployForm(request, {sysadminPassword, bmcPassword}),
    )
    if (f.wait) {
      const {redeployWatch} = await import('../../core/subclouds/day2-states.js')
      const {operationFailed} = await import('../../core/flows/wait-for-subclouds.js')
      const [only] = await this.withInterrupt((signal) =>
        followSubclouds(client, [subcloud], redeployWatch, f, signal, this.debugLine),
      )
      if (only.outcome === 'failed') throw operationFailed(redeployWatch, only.subcloud)
      subcloud = only.subcloud
    }
    const {fields, values} = subcloudShow(subcloud)
    return this.printShow(fields, values)
  }
}
