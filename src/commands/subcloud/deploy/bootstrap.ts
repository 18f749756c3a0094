import {Flags} from '@oclif/core'

import {authFlags} from '../../../cli/auth-flags.js'
import {EXIT_CODES_HELP} from '../../../cli/base-command.js'
import {DeployPhaseCommand, PHASE_JSON_SHAPE, phaseFlags, phaseWaitFlags} from '../../../cli/deploy-phase-command.js'
import {nameArg} from '../../../cli/names.js'
import {showFlags} from '../../../cli/output-flags.js'
import {ALLOW_UNKNOWN_KEYS_HELP} from '../../../core/overrides/findings.js'

export default class SubcloudDeployBootstrap extends DeployPhaseCommand<typeof SubcloudDeployBootstrap> {
  static summary = 'Bootstrap a subcloud.'
  static description = `The bootstrap phase of a phased deploy: the System Controller runs the bootstrap playbook against the subcloud's controller-0 over SSH. Allowed from install-complete, pre-bootstrap-failed, bootstrap-failed, bootstrap-aborted, bootstrap-complete and create-complete.
A new --bootstrap-values file replaces the stored values and is checked offline first (as dcm subcloud validate); without it the stored values are used.
--wait follows the deploy status to bootstrap-complete (exit 0), a failure or abort (exit 1, the state named) or --timeout (exit 4).

${EXIT_CODES_HELP}`
  static examples = ['<%= config.bin %> subcloud deploy bootstrap subcloud1 --bootstrap-values subcloud1.yml --wait']
  static jsonShape = PHASE_JSON_SHAPE
  static args = {subcloud: nameArg('Subcloud', {description: 'Name or ID of the subcloud to bootstrap.'})}
  static flags = {
    ...showFlags,
    ...authFlags,
    'bootstrap-address': phaseFlags.bootstrapAddress,
    'bootstrap-values': phaseFlags.bootstrapValues,
    ...phaseFlags.sysadminPassword,
    'allow-unknown-keys': Flags.boolean({description: ALLOW_UNKNOWN_KEYS_HELP}),
    ...phaseWaitFlags,
  }

  async run() {
    return this.runPhase('bootstrap', this.args.subcloud, {
      bootstrapAddress: this.flags['bootstrap-address'],
      bootstrapValues: this.flags['bootstrap-values'],
      allowUnknownKeys: this.flags['allow-unknown-keys'],
    })
  }
}
