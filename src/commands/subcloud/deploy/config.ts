import {Flags} from '@oclif/core'

import {authFlags} from '../../../cli/auth-flags.js'
import {EXIT_CODES_HELP} from '../../../cli/base-command.js'
import {DeployPhaseCommand, PHASE_JSON_SHAPE, phaseFlags, phaseWaitFlags} from '../../../cli/deploy-phase-command.js'
import {nameArg} from '../../../cli/names.js'
import {showFlags} from '../../../cli/output-flags.js'
import {confirmHighRisk} from '../../../cli/prompts.js'

export default class SubcloudDeployConfig extends DeployPhaseCommand<typeof SubcloudDeployConfig> {
  static summary = 'Configure a subcloud.'
  static description = `The config phase of a phased deploy: the System Controller runs the uploaded deploy playbook with the deploy config. Allowed from complete (a re-configuration), pre-config-failed, config-failed, bootstrap-complete, enroll-complete and config-aborted.
A new --deploy-config must be a YAML mapping (checked offline); without it the stored one is used. Asks for confirmation only when CLI_CONFIRMATIONS=enabled (as dcmanager).
--wait follows the deploy status to complete (exit 0), a failure or abort (exit 1, the state named) or --timeout (exit 4).

${EXIT_CODES_HELP}`
  static examples = ['<%= config.bin %> subcloud deploy config subcloud1 --deploy-config deploy-config.yml --wait']
  static jsonShape = PHASE_JSON_SHAPE
  static args = {subcloud: nameArg('Subcloud', {description: 'Name or ID of the subcloud to update.'})}
  static flags = {
    ...showFlags,
    ...authFlags,
    'deploy-config': phaseFlags.deployConfig,
    ...phaseFlags.sysadminPassword,
    yes: Flags.boolean({description: 'Skip confirmation and proceed with the action.'}),
    ...phaseWaitFlags,
  }

  async run() {
    await confirmHighRisk(this.flags.yes)
    return this.runPhase('config', this.args.subcloud, {deployConfig: this.flags['deploy-config']})
  }
}
