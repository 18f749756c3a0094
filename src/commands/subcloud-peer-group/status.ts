import {authFlags, dcmanagerFromFlags} from '../../cli/auth-flags.js'
import {BaseCommand, EXIT_CODES_HELP} from '../../cli/base-command.js'
import {jsonShape} from '../../cli/json-shape.js'
import {nameArg} from '../../cli/names.js'
import {showFlags} from '../../cli/output-flags.js'
import {SPG_STATUS, peerGroupStatusRow} from '../../core/geo/columns.js'

export default class SubcloudPeerGroupStatus extends BaseCommand<typeof SubcloudPeerGroupStatus> {
  static summary = 'Show a summary of subcloud statuses within a peer group.'
  static description = `Counts by deploy status: secondary is waiting_for_migrate, rehome-failed and rehome-prep-failed are rehome_failed (pre-rehome and rehome-pending count in none).\n\n${EXIT_CODES_HELP}`
  static examples = ['<%= config.bin %> subcloud-peer-group status pg-east']
  static jsonShape = jsonShape.object(SPG_STATUS)
  static args = {
    group: nameArg('Subcloud peer group', {description: 'Name or ID of subcloud peer group to view the status.'}),
  }
  static flags = {...showFlags, ...authFlags}

  async run() {
    const client = await dcmanagerFromFlags(this.flags, this.debugLine)
    return this.printShow(SPG_STATUS, peerGroupStatusRow(await client.subcloudPeerGroups.status(this.args.group)))
  }
}
