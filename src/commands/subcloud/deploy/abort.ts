import {authFlags} from '../../../cli/auth-flags.js'
import {EXIT_CODES_HELP} from '../../../cli/base-command.js'
import {DeployPhaseCommand, PHASE_JSON_SHAPE, phaseWaitFlags} from '../../../cli/deploy-phase-command.js'
import {nameArg} from '../../../cli/names.js'
import {showFlags} from '../../../cli/output-flags.js'

export default class SubcloudDeployAbort extends DeployPhaseCommand<typeof SubcloudDeployAbort> {
  static summary = 'Abort the subcloud deploy phase.'
  static description = `Stops the running install, bootstrap or config phase (answered aborting-*, stored *-aborted once the playbook is stopped); resume it later with dcm subcloud deploy resume.

${EXIT_CODES_HELP}`
  static examples = ['<%= config.bin %> subcloud deploy abort subcloud1']
  static jsonShape = PHASE_JSON_SHAPE
  static args = {
    subcloud: nameArg('Subcloud', {description: 'Name or ID of the subcloud to abort the on-going deployment.'}),
  }
  static flags = {...showFlags, ...authFlags, ...phaseWaitFlags}

  async run() {
    return this.runPhase('abort', this.args.subcloud, {})
  }
}
