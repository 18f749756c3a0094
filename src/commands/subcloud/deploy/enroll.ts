import {Flags} from '@oclif/core'

import {authFlags} from '../../../cli/auth-flags.js'
import {EXIT_CODES_HELP} from '../../../cli/base-command.js'
import {DeployPhaseCommand, PHASE_JSON_SHAPE, phaseFlags, phaseWaitFlags} from '../../../cli/deploy-phase-command.js'
import {nameArg} from '../../../cli/names.js'
import {showFlags} from '../../../cli/output-flags.js'
import {ALLOW_UNKNOWN_KEYS_HELP} from '../../../core/overrides/findings.js'

export default class SubcloudDeployEnroll extends DeployPhaseCommand<typeof SubcloudDeployEnroll> {
  static summary = 'Enroll a subcloud.'
  static description = `Enrolls a factory-installed subcloud: cloud-init through the BMC, then the enroll playbook, ending at enroll-complete (then dcm subcloud deploy config or complete). Allowed from create-complete and the enroll failure states. The files given are checked offline first (exit 2, nothing sent); --cloud-init-config must be a tar archive.
--wait follows the deploy status to enroll-complete (exit 0), a failure (exit 1, the state named) or --timeout (exit 4).

${EXIT_CODES_HELP}`
  static examples = ['<%= config.bin %> subcloud deploy enroll subcloud1 --install-values install-values.yml --wait']
  static jsonShape = PHASE_JSON_SHAPE
  static args = {subcloud: nameArg('Subcloud', {description: 'Name or ID of the subcloud to enroll.'})}
  static flags = {
    ...showFlags,
    ...authFlags,
    'install-values': Flags.string({
      description: 'YAML file containing parameters required for the enrollment of the subcloud.',
    }),
    'bootstrap-address': phaseFlags.bootstrapAddress,
    'bootstrap-values': Flags.string({
      description: 'YAML file containing the parameters required for the enrollment of the subcloud.',
    }),
    ...phaseFlags.sysadminPassword,
    ...phaseFlags.bmcPassword,
    'cloud-init-config': Flags.string({
      description: 'Path to a tarball file containing cloud-init data to be used during the enrollment process.',
    }),
    release: Flags.string({
      description:
        'software release used to enroll the subcloud with. If not specified, the current software release of the subcloud stored in the system controller will be used.',
    }),
    'allow-unknown-keys': Flags.boolean({description: ALLOW_UNKNOWN_KEYS_HELP}),
    ...phaseWaitFlags,
  }

  async run() {
    const f = this.flags
    return this.runPhase('enroll', this.args.subcloud, {
      bootstrapAddress: f['bootstrap-address'],
      bootstrapValues: f['bootstrap-values'],
      installValues: f['install-values'],
      cloudInitConfig: f['cloud-init-config'],
      release: f.release,
      allowUnknownKeys: f['allow-unknown-keys'],
    })
  }
}
