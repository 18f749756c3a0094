import {authFlags, dcmanagerFromFlags} from '../../cli/auth-flags.js'
import {BaseCommand, EXIT_CODES_HELP} from '../../cli/base-command.js'
import {jsonShape} from '../../cli/json-shape.js'
import {listerFlags} from '../../cli/output-flags.js'
import {OPTIONS_LIST, optionsRow} from '../../core/strategies/columns.js'
import {rowsOrNone} from '../../core/subclouds/columns.js'

export default class StrategyConfigList extends BaseCommand<typeof StrategyConfigList> {
  static jsonShape = jsonShape.list(OPTIONS_LIST)
  static summary = 'List strategy options.'
  static description = `The defaults (all clouds default) first, then every subcloud with its own options.\n\n${EXIT_CODES_HELP}`
  static examples = ['<%= config.bin %> strategy-config list']
  static flags = {...listerFlags, ...authFlags}

  async run() {
    const client = await dcmanagerFromFlags(this.flags, this.debugLine)
    const rows = (await client.strategyOptions.list()).map(optionsRow)
    return this.printList(OPTIONS_LIST, rowsOrNone(OPTIONS_LIST, rows, this.jsonEnabled()))
  }
}
