import {Args, Flags} from '@oclif/core'

import {authFlags, dcmanagerFromFlags} from '../../cli/auth-flags.js'
import {BaseCommand, EXIT_CODES_HELP} from '../../cli/base-command.js'
import {jsonShape} from '../../cli/json-shape.js'
import {showFlags} from '../../cli/output-flags.js'
import {OPTIONS_DETAIL, optionsDetail} from '../../core/strategies/columns.js'

export default class StrategyConfigUpdate extends BaseCommand<typeof StrategyConfigUpdate> {
  static jsonShape = jsonShape.object(OPTIONS_DETAIL)
  static summary = 'Update the strategy options of a subcloud, or the defaults.'
  static description = `All five options are required, as in dcmanager. Without a subcloud: the defaults for all clouds.\n\n${EXIT_CODES_HELP}`
  static examples = [
    '<%= config.bin %> strategy-config update subcloud1 --storage-apply-type parallel --worker-apply-type serial --max-parallel-workers 5 --alarm-restriction-type relaxed --default-instance-action migrate',
  ]
  static args = {
    subcloud: Args.string({description: 'Subcloud name or id, omit to set the defaults.', required: false}),
  }
  static flags = {
    'storage-apply-type': Flags.string({
      description: 'Storage node apply type (serial or parallel).',
      options: ['parallel', 'serial'],
      required: true,
    }),
    'worker-apply-type': Flags.string({
      description: 'Compute node apply type (serial or parallel).',
      options: ['parallel', 'serial'],
      required: true,
    }),
    'max-parallel-workers': Flags.integer({
      description: 'Maximum number of parallel workers.',
      required: true,
    }),
    'alarm-restriction-type': Flags.string({
      description: 'Whether to allow patching if subcloud alarms are present or not (strict, relaxed).',
      options: ['strict', 'relaxed'],
      required: true,
    }),
    'default-instance-action': Flags.string({
      description: 'How instances should be handled (stop-start, migrate).',
      options: ['stop-start', 'migrate'],
      required: true,
    }),
    ...showFlags,
    ...authFlags,
  }

  async run() {
    const f = this.flags
    const client = await dcmanagerFromFlags(f, this.debugLine)
    const updated = await client.strategyOptions.update(this.args.subcloud, {
      'storage-apply-type': f['storage-apply-type'],
      'worker-apply-type': f['worker-apply-type'],
      'max-parallel-workers': f['max-parallel-workers'],
      'alarm-restriction-type': f['alarm-restriction-type'],
      'default-instance-action': f['default-instance-action'],
    })
    return this.printShow(OPTIONS_DETAIL, optionsDetail(updated))
  }
}
