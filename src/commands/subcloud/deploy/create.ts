import {Flags} from '@oclif/core'

import {authFlags} from '../../../cli/auth-flags.js'
import {EXIT_CODES_HELP} from '../../../cli/base-command.js'
import {DeployPhaseCommand, PHASE_JSON_SHAPE, phaseFlags, phaseWaitFlags} from '../../../cli/deploy-phase-command.js'
import {requireName} from '../../../cli/names.js'
import {showFlags} from '../../../cli/output-flags.js'
import {ALLOW_UNKNOWN_KEYS_HELP} from '../../../core/overrides/findings.js'

export default class SubcloudDeployCreate extends DeployPhaseCommand<typeof SubcloudDeployCreate> {
  static summary = 'Creates a new subcloud.'
  static description = `The first step of a phased deploy: the System Controller records the subcloud and its files (answering create-complete or create-failed); install, bootstrap and config then run one by one with dcm subcloud deploy install|bootstrap|config, or all with dcm subcloud deploy resume.
The files are checked offline first (bootstrap values as dcm subcloud validate, install values against their schema and dcmanager's rules, the deploy config as a YAML mapping): an invalid file exits 2 and nothing is sent.
--wait: exit 1 when the answer is create-failed.

${EXIT_CODES_HELP}`
  static examples = [
    '<%= config.bin %> subcloud deploy create --bootstrap-address 10.10.10.12 --bootstrap-values subcloud1.yml --install-values install-values.yml --deploy-config deploy-config.yml',
  ]
  static jsonShape = PHASE_JSON_SHAPE
  static flags = {
    ...showFlags,
    ...authFlags,
    'bootstrap-address': Flags.string({description: 'IP address for initial subcloud controller.', required: true}),
    'bootstrap-values': Flags.string({
      description: 'YAML file containing parameters required for the bootstrap of the subcloud.',
      required: true,
    }),
    'deploy-config': phaseFlags.deployConfig,
    'install-values': phaseFlags.installValues,
    ...phaseFlags.bmcPassword,
    group: Flags.string({description: 'Name or ID of subcloud group (a name is resolved to its id first).'}),
    release: Flags.string({
      description:
        'software release used to install, bootstrap and/or deploy the subcloud with. If not specified, the current software release of the system controller will be used.',
    }),
    'allow-unknown-keys': Flags.boolean({description: ALLOW_UNKNOWN_KEYS_HELP}),
    ...phaseWaitFlags,
  }

  async run() {
    const f = this.flags
    if (f.group !== undefined) requireName(f.group, '--group')
    return this.runPhase('create', undefined, {
      bootstrapAddress: f['bootstrap-address'],
      bootstrapValues: f['bootstrap-values'],
      installValues: f['install-values'],
      deployConfig: f['deploy-config'],
      group: f.group,
      release: f.release,
      allowUnknownKeys: f['allow-unknown-keys'],
    })
  }
}
