import {authFlags, dcmanagerFromFlags} from '../../cli/auth-flags.js'
import {BaseCommand, EXIT_CODES_HELP} from '../../cli/base-command.js'
import {jsonShape} from '../../cli/json-shape.js'
import {nameArg} from '../../cli/names.js'
import {showFlags} from '../../cli/output-flags.js'
import {PEER_DETAIL, peerDetail} from '../../core/geo/columns.js'

export default class SystemPeerShow extends BaseCommand<typeof SystemPeerShow> {
  static summary = 'Show the details of a system peer.'
  static description = EXIT_CODES_HELP
  static examples = ['<%= config.bin %> system-peer show site-b']
  static jsonShape = jsonShape.object(PEER_DETAIL)
  static args = {peer: nameArg('System peer', {description: 'UUID or ID of system peer to view the details.'})}
  static flags = {...showFlags, ...authFlags}

  async run() {
    const client = await dcmanagerFromFlags(this.flags, this.debugLine)
    return this.printShow(PEER_DETAIL, peerDetail(await client.systemPeers.get(this.args.peer)))
  }
}
