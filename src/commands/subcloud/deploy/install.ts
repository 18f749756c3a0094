import {Flags} from '@oclif/core'

import {authFlags} from '../../../cli/auth-flags.js'
import {EXIT_CODES_HELP} from '../../../cli/base-command.js'
import {DeployPhaseCommand, PHASE_JSON_SHAPE, phaseFlags, phaseWaitFlags} from '../../../cli/deploy-phase-command.js'
import {nameArg} from '../../../cli/names.js'
import {showFlags} from '../../../cli/output-flags.js'

export default class SubcloudDeployInstall extends DeployPhaseCommand<typeof SubcloudDeployInstall> {
  static summary = 'Install a subcloud.'
  static description = `The install phase of a phased deploy: the System Controller boots the subcloud from the release's ISO through its BMC (Redfish). Allowed from create-complete, pre-install-failed, install-failed, install-complete and install-aborted, only during the initial deployment.
--install-values is checked offline first (schema and dcmanager's rules, file:line:col): an invalid file exits 2 and nothing is sent. Without it the System Controller uses the install values it stored.
--wait follows the deploy status to install-complete (exit 0), a failure or abort (exit 1, the state named) or --timeout (exit 4).

${EXIT_CODES_HELP}`
  static examples = [
    '<%= config.bin %> subcloud deploy install subcloud1 --install-values install-values.yml --release 25.09 --wait',
  ]
  static jsonShape = PHASE_JSON_SHAPE
  static args = {subcloud: nameArg('Subcloud', {description: 'Name or ID of the subcloud to install.'})}
  static flags = {
    ...showFlags,
    ...authFlags,
    'install-values': phaseFlags.installValues,
    ...phaseFlags.sysadminPassword,
    ...phaseFlags.bmcPassword,
    release: Flags.string({
      description:
        'software release used to install the subcloud with. If not specified, the current software release of the subcloud will be used.',
    }),
    ...phaseWaitFlags,
  }

  async run() {
    return this.runPhase('install', this.args.subcloud, {
      installValues: this.flags['install-values'],
      release: this.flags.release,
    })
  }
}
