import {authFlags} from '../../../cli/auth-flags.js'
import {EXIT_CODES_HELP} from '../../../cli/base-command.js'
import {DeployPhaseCommand, PHASE_JSON_SHAPE, phaseWaitFlags} from '../../../cli/deploy-phase-command.js'
import {nameArg} from '../../../cli/names.js'
import {showFlags} from '../../../cli/output-flags.js'

export default class SubcloudDeployComplete extends DeployPhaseCommand<typeof SubcloudDeployComplete> {
  static summary = "Complete a subcloud's deployment."
  static description = `Ends a phased deploy without the config phase (the subcloud was configured by hand): bootstrap-complete or enroll-complete become complete at once.

${EXIT_CODES_HELP}`
  static examples = ['<%= config.bin %> subcloud deploy complete subcloud1']
  static jsonShape = PHASE_JSON_SHAPE
  static args = {subcloud: nameArg('Subcloud', {description: 'Name or ID of the subcloud to complete the deployment.'})}
  static flags = {...showFlags, ...authFlags, ...phaseWaitFlags}

  async run() {
    return this.runPhase('complete', this.args.subcloud, {})
  }
}
