import {Flags} from '@oclif/core'

import {authFlags} from '../../../cli/auth-flags.js'
import {EXIT_CODES_HELP} from '../../../cli/base-command.js'
import {DeployPhaseCommand, PHASE_JSON_SHAPE, phaseWaitFlags} from '../../../cli/deploy-phase-command.js'
import {nameArg} from '../../../cli/names.js'
import {showFlags} from '../../../cli/output-flags.js'
import {bmcPasswordFlag, passwordFlags} from '../../../cli/subcloud-passwords.js'
import {ALLOW_UNKNOWN_KEYS_HELP} from '../../../core/overrides/findings.js'

export default class SubcloudDeployResume extends DeployPhaseCommand<typeof SubcloudDeployResume> {
  static summary = 'Resume the subcloud deployment.'
  static description = `Runs the phases left from the subcloud's deploy status (install, bootstrap, config; install only with install values, config replaced by complete without a deploy config), stopping at the first failure. The files given are checked offline first (exit 2, nothing sent).
--wait follows the deploy status to complete (exit 0), a failure or abort (exit 1, the state named) or --timeout (exit 4).

${EXIT_CODES_HELP}`
  static examples = ['<%= config.bin %> subcloud deploy resume subcloud1 --wait']
  static jsonShape = PHASE_JSON_SHAPE
  static args = {subcloud: nameArg('Subcloud', {description: 'Name or ID of the subcloud to resume deployment.'})}
  static flags = {
    ...showFlags,
    ...authFlags,
    'bootstrap-address': Flags.string({description: 'IP address for initial subcloud controller.'}),
    'bootstrap-values': Flags.string({
      description: 'YAML file containing parameters required for the bootstrap of the subcloud.',
    }),
    'deploy-config': Flags.string({
      description: 'YAML file containing parameters required for the initial configuration and unlock of the subcloud.',
    }),
    'install-values': Flags.string({
      description: 'YAML file containing parameters required for the remote install of the subcloud.',
    }),
    ...passwordFlags({
      sysadmin:
        'sysadmin password of the subcloud to be configured, if not provided you will be prompted. [env: DCM_SYSADMIN_PASSWORD]',
    }),
    ...bmcPasswordFlag(
      'bmc password of the subcloud to be configured, if not provided you will be prompted. This parameter is only valid if the --install-values are specified. [env: DCM_BMC_PASSWORD]',
    ),
    release: Flags.string({
      description:
        'software release used to install, bootstrap and/or deploy the subcloud with. If not specified, the current software release of the system controller will be used.',
    }),
    'allow-unknown-keys': Flags.boolean({description: ALLOW_UNKNOWN_KEYS_HELP}),
    ...phaseWaitFlags,
  }

  async run() {
    const f = this.flags
    return this.runPhase('resume', this.args.subcloud, {
      bootstrapAddress: f['bootstrap-address'],
      bootstrapValues: f['bootstrap-values'],
      installValues: f['install-values'],
      deployConfig: f['deploy-config'],
      release: f.release,
      allowUnknownKeys: f['allow-unknown-keys'],
    })
  }
}
