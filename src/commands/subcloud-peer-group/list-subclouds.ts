import {authFlags, dcmanagerFromFlags} from '../../cli/auth-flags.js'
import {BaseCommand, EXIT_CODES_HELP} from '../../cli/base-command.js'
import {jsonShape} from '../../cli/json-shape.js'
import {nameArg} from '../../cli/names.js'
import {listerFlags} from '../../cli/output-flags.js'
import {SUBCLOUD_DETAIL, rowsOrNone, subcloudDetailRow} from '../../core/subclouds/columns.js'

export default class SubcloudPeerGroupListSubclouds extends BaseCommand<typeof SubcloudPeerGroupListSubclouds> {
  static summary = 'List subclouds referencing a subcloud peer group.'
  static description = EXIT_CODES_HELP
  static examples = ['<%= config.bin %> subcloud-peer-group list-subclouds pg-east']
  static jsonShape = jsonShape.list(SUBCLOUD_DETAIL)
  static args = {
    group: nameArg('Subcloud peer group', {
      description: 'Name or ID of subcloud peer group to list associated subclouds.',
    }),
  }
  static flags = {...listerFlags, ...authFlags}

  async run() {
    const client = await dcmanagerFromFlags(this.flags, this.debugLine)
    const rows = (await client.subcloudPeerGroups.listSubclouds(this.args.group)).map(subcloudDetailRow)
    return this.printList(SUBCLOUD_DETAIL, rowsOrNone(SUBCLOUD_DETAIL, rows, this.jsonEnabled()))
  }
}
