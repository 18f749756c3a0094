import {Args} from '@oclif/core'

import {authFlags, dcmanagerFromFlags} from '../../cli/auth-flags.js'
import {BaseCommand, EXIT_CODES_HELP} from '../../cli/base-command.js'
import {jsonShape} from '../../cli/json-shape.js'
import {showFlags} from '../../cli/output-flags.js'
import {OPTIONS_DETAIL, optionsDetail} from '../../core/strategies/columns.js'

export default class StrategyConfigShow extends BaseCommand<typeof StrategyConfigShow> {
  static jsonShape = jsonShape.object(OPTIONS_DETAIL)
  static summary = 'Show the strategy options of a subcloud, or the defaults.'
  static description = `Without a subcloud: the defaults for all clouds.\n\n${EXIT_CODES_HELP}`
  static examples = ['<%= config.bin %> strategy-config show', '<%= config.bin %> strategy-config show subcloud1']
  static args = {
    subcloud: Args.string({description: 'Subcloud name or id, omit to show the defaults.', required: false}),
  }
  static flags = {...showFlags, ...authFlags}

  async run() {
    const client = await dcmanagerFromFlags(this.flags, this.debugLine)
    return this.printShow(OPTIONS_DETAIL, optionsDetail(await client.strategyOptions.get(this.args.subcloud)))
  }
}
