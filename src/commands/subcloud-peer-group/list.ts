import {authFlags, dcmanagerFromFlags} from '../../cli/auth-flags.js'
import {BaseCommand, EXIT_CODES_HELP} from '../../cli/base-command.js'
import {jsonShape} from '../../cli/json-shape.js'
import {listerFlags} from '../../cli/output-flags.js'
import {SPG, peerGroupRow} from '../../core/geo/columns.js'
import {rowsOrNone} from '../../core/subclouds/columns.js'

export default class SubcloudPeerGroupList extends BaseCommand<typeof SubcloudPeerGroupList> {
  static summary = 'List subcloud peer groups.'
  static description = EXIT_CODES_HELP
  static examples = ['<%= config.bin %> subcloud-peer-group list']
  static jsonShape = jsonShape.list(SPG)
  static flags = {...listerFlags, ...authFlags}

  async run() {
    const client = await dcmanagerFromFlags(this.flags, this.debugLine)
    const rows = (await client.subcloudPeerGroups.list()).map(peerGroupRow)
    return this.printList(SPG, rowsOrNone(SPG, rows, this.jsonEnabled()))
  }
}
