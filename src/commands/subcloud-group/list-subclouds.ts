import {nameArg} from '../../cli/names.js'

import {authFlags, dcmanagerFromFlags} from '../../cli/auth-flags.js'
import {BaseCommand, EXIT_CODES_HELP} from '../../cli/base-command.js'
import {SUBCLOUD_DETAIL, subcloudDetailRow, rowsOrNone} from '../../core/subclouds/columns.js'
import {listerFlags} from '../../cli/output-flags.js'
import {jsonShape} from '../../cli/json-shape.js'

export default class SubcloudGroupListSubclouds extends BaseCommand<typeof SubcloudGroupListSubclouds> {
  static summary = 'List the subclouds of a subcloud group.'
  static description = EXIT_CODES_HELP
  static examples = ['<%= config.bin %> subcloud-group list-subclouds Default']
  static jsonShape = jsonShape.list(SUBCLOUD_DETAIL)
  static args = {group: nameArg('Subcloud group', {description: 'name or id of the subcloud group'})}
  static flags = {...listerFlags, ...authFlags}

  async run() {
    const client = await dcmanagerFromFlags(this.flags, this.debugLine)
    return this.printList(
      SUBCLOUD_DETAIL,
      rowsOrNone(
        SUBCLOUD_DETAIL,
        (await client.subcloudGroups.listSubclouds(this.args.group)).map(subcloudDetailRow),
        this.jsonEnabled(),
      ),
    )
  }
}
