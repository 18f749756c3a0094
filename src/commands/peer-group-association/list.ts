import {authFlags, dcmanagerFromFlags} from '../../cli/auth-flags.js'
import {BaseCommand, EXIT_CODES_HELP} from '../../cli/base-command.js'
import {jsonShape} from '../../cli/json-shape.js'
import {listerFlags} from '../../cli/output-flags.js'
import {PGA_LIST, associationListRow} from '../../core/geo/columns.js'
import {rowsOrNone} from '../../core/subclouds/columns.js'

export default class PeerGroupAssociationList extends BaseCommand<typeof PeerGroupAssociationList> {
  static summary = 'List peer group associations.'
  static description = EXIT_CODES_HELP
  static examples = ['<%= config.bin %> peer-group-association list']
  static jsonShape = jsonShape.list(PGA_LIST)
  static flags = {...listerFlags, ...authFlags}

  async run() {
    const client = await dcmanagerFromFlags(this.flags, this.debugLine)
    const rows = (await client.peerGroupAssociations.list()).map(associationListRow)
    return this.printList(PGA_LIST, rowsOrNone(PGA_LIST, rows, this.jsonEnabled()))
  }
}
