import {authFlags, dcmanagerFromFlags} from '../../cli/auth-flags.js'
import {BaseCommand, EXIT_CODES_HELP} from '../../cli/base-command.js'
import {GROUP_LIST, groupListRow, rowsOrNone} from '../../core/subclouds/columns.js'
import {listerFlags} from '../../cli/output-flags.js'
import {jsonShape} from '../../cli/json-shape.js'

export default class SubcloudGroupList extends BaseCommand<typeof SubcloudGroupList> {
  static summary = 'List subcloud groups.'
  static description = EXIT_CODES_HELP
  static examples = ['<%= config.bin %> subcloud-group list']
  static jsonShape = jsonShape.list(GROUP_LIST)
  static flags = {...listerFlags, ...authFlags}

  async run() {
    const client = await dcmanagerFromFlags(this.flags, this.debugLine)
    return this.printList(
      GROUP_LIST,
      rowsOrNone(GROUP_LIST, (await client.subcloudGroups.list()).map(groupListRow), this.jsonEnabled()),
    )
  }
}
