import {authFlags, dcmanagerFromFlags} from '../../cli/auth-flags.js'
import {BaseCommand, EXIT_CODES_HELP} from '../../cli/base-command.js'
import {ALARMS, alarmRow, rowsOrNone} from '../../core/subclouds/columns.js'
import {listerFlags} from '../../cli/output-flags.js'
import {jsonShape} from '../../cli/json-shape.js'

export default class AlarmSummary extends BaseCommand<typeof AlarmSummary> {
  static summary = 'Show the alarm summary of every subcloud.'
  static description = `Counts are '-' when a subcloud's alarms are not available.\n\n${EXIT_CODES_HELP}`
  static examples = ['<%= config.bin %> alarm summary']
  static jsonShape = jsonShape.list(ALARMS)
  static flags = {...listerFlags, ...authFlags}

  async run() {
    const client = await dcmanagerFromFlags(this.flags, this.debugLine)
    return this.printList(ALARMS, rowsOrNone(ALARMS, (await client.alarms.summary()).map(alarmRow), this.jsonEnabled()))
  }
}
