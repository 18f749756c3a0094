import {Flags} from '@oclif/core'

import {authFlags} from '../../../cli/auth-flags.js'
import {EXIT_CODES_HELP} from '../../../cli/base-command.js'
import {DeployPhaseCommand, PHASE_JSON_SHAPE, phaseFlags, phaseWaitFlags} from '../../../cli/deploy-phase-command.js'
import {nameArg} from '../../../cli/names.js'
import {showFlags} from '../../../cli/output-flags.js'
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
    'bootstrap-address': phaseFlags.bootstrapAddress,
    'bootstrap-values': phaseFlags.bootstrapValues,
    'deploy-config': phaseFlags.deployConfig,
    'install-values': phaseFlags.installValues,
    ...phaseFlags.sysadminPassword,
    ...phaseFlags.bmcPassword,
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
