import {Flags} from '@oclif/core'

import {authFlags, dcmanagerFromFlags} from '../../cli/auth-flags.js'
import {BaseCommand, EXIT_CODES_HELP} from '../../cli/base-command.js'
import {jsonShape} from '../../cli/json-shape.js'
import {listerFlags} from '../../cli/output-flags.js'
import {STEP_LIST, stepRow} from '../../core/strategies/columns.js'
import {failedSteps} from '../../core/strategies/step-summary.js'
import {rowsOrNone} from '../../core/subclouds/columns.js'

export default class StrategyStepList extends BaseCommand<typeof StrategyStepList> {
  static jsonShape = jsonShape.list(STEP_LIST)
  static summary = 'List strategy steps.'
  static description = `The steps of the one strategy that exists, whatever its type, in step order. --failed keeps the failed ones (dcm).\n\n${EXIT_CODES_HELP}`
  static examples = ['<%= config.bin %> strategy-step list', '<%= config.bin %> strategy-step list --failed']
  static flags = {
    failed: Flags.boolean({description: 'only the failed steps'}),
    ...listerFlags,
    ...authFlags,
  }

  async run() {
    const client = await dcmanagerFromFlags(this.flags, this.debugLine)
    const steps = await client.strategySteps.list()
    const shown = this.flags.failed ? failedSteps(steps) : steps
    return this.printList(STEP_LIST, rowsOrNone(STEP_LIST, shown.map(stepRow), this.jsonEnabled()))
  }
}
