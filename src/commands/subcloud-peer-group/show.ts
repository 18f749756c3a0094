import {authFlags, dcmanagerFromFlags} from '../../cli/auth-flags.js'
import {BaseCommand, EXIT_CODES_HELP} from '../../cli/base-command.js'
import {jsonShape} from '../../cli/json-shape.js'
import {nameArg} from '../../cli/names.js'
import {showFlags} from '../../cli/output-flags.js'
import {SPG, peerGroupRow} from '../../core/geo/columns.js'

export default class SubcloudPeerGroupShow extends BaseCommand<typeof SubcloudPeerGroupShow> {
  static summary = 'Show the details of a subcloud peer group.'
  static description = EXIT_CODES_HELP
  static examples = ['<%= config.bin %> subcloud-peer-group show pg-east']
  static jsonShape = jsonShape.object(SPG)
  static args = {
    group: nameArg('Subcloud peer group', {description: 'Name or ID of subcloud peer group to view the details.'}),
  }
  static flags = {...showFlags, ...authFlags}

  async run() {
    const client = await dcmanagerFromFlags(this.flags, this.debugLine)
    return this.printShow(SPG, peerGroupRow(await client.subcloudPeerGroups.get(this.args.group)))
  }
}
