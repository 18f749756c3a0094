import {Args} from '@oclif/core'

import {authFlags, dcmanagerFromFlags} from '../../cli/auth-flags.js'
import {BaseCommand, EXIT_CODES_HELP} from '../../cli/base-command.js'
import {jsonShape} from '../../cli/json-shape.js'
import {showFlags} from '../../cli/output-flags.js'
import {STEP_DETAIL, stepDetail} from '../../core/strategies/columns.js'

export default class StrategyStepShow extends BaseCommand<typeof StrategyStepShow> {
  static jsonShape = jsonShape.object(STEP_DETAIL)
  static summary = 'Show the details of a strategy step.'
  static description = `The step is found by subcloud name (an id does not match).\n\n${EXIT_CODES_HELP}`
  static examples = ['<%= config.bin %> strategy-step show subcloud1']
  static args = {cloud_name: Args.string({description: 'Name of cloud to view the details.', required: true})}
  static flags = {...showFlags, ...authFlags}

  async run() {
    const client = await dcmanagerFromFlags(this.flags, this.debugLine)
    return this.printShow(STEP_DETAIL, stepDetail(await client.strategySteps.get(this.args.cloud_name)))
  }
}
