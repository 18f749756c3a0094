import {authFlags, dcmanagerFromFlags} from '../../cli/auth-flags.js'
import {BaseCommand, EXIT_CODES_HELP} from '../../cli/base-command.js'
import {jsonShape} from '../../cli/json-shape.js'
import {nameArg} from '../../cli/names.js'
import {listerFlags} from '../../cli/output-flags.js'
import {SPG_SHORT, peerGroupShortRow} from '../../core/geo/columns.js'
import {rowsOrNone} from '../../core/subclouds/columns.js'

export default class SystemPeerListSubcloudPeerGroups extends BaseCommand<typeof SystemPeerListSubcloudPeerGroups> {
  static summary = 'List Subcloud Peer Groups referencing a System Peer.'
  static description = EXIT_CODES_HELP
  static examples = ['<%= config.bin %> system-peer list-subcloud-peer-groups site-b']
  static jsonShape = jsonShape.list(SPG_SHORT)
  static args = {
    peer: nameArg('System peer', {
      description: 'Name or ID or UUID of system peer to list associated subcloud peer groups.',
    }),
  }
  static flags = {...listerFlags, ...authFlags}

  async run() {
    const client = await dcmanagerFromFlags(this.flags, this.debugLine)
    const rows = (await client.systemPeers.listPeerGroups(this.args.peer)).map(peerGroupShortRow)
    return this.printList(SPG_SHORT, rowsOrNone(SPG_SHORT, rows, this.jsonEnabled()))
  }
}
