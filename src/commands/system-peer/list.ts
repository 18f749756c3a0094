import {authFlags, dcmanagerFromFlags} from '../../cli/auth-flags.js'
import {BaseCommand, EXIT_CODES_HELP} from '../../cli/base-command.js'
import {jsonShape} from '../../cli/json-shape.js'
import {listerFlags} from '../../cli/output-flags.js'
import {PEER_LIST, peerListRow} from '../../core/geo/columns.js'
import {rowsOrNone} from '../../core/subclouds/columns.js'

export default class SystemPeerList extends BaseCommand<typeof SystemPeerList> {
  static summary = 'List system peers.'
  static description = EXIT_CODES_HELP
  static examples = ['<%= config.bin %> system-peer list']
  static jsonShape = jsonShape.list(PEER_LIST)
  static flags = {...listerFlags, ...authFlags}

  async run() {
    const client = await dcmanagerFromFlags(this.flags, this.debugLine)
    const rows = (await client.systemPeers.list()).map(peerListRow)
    return this.printList(PEER_LIST, rowsOrNone(PEER_LIST, rows, this.jsonEnabled()))
  }
}
