import {nameArg} from '../../cli/names.js'

import {authFlags, dcmanagerFromFlags} from '../../cli/auth-flags.js'
import {BaseCommand, EXIT_CODES_HELP} from '../../cli/base-command.js'
import {GROUP_DETAIL, groupDetail} from '../../core/subclouds/columns.js'
import {showFlags} from '../../cli/output-flags.js'
import {jsonShape} from '../../cli/json-shape.js'

export default class SubcloudGroupShow extends BaseCommand<typeof SubcloudGroupShow> {
  static summary = 'Show the details of a subcloud group.'
  static description = EXIT_CODES_HELP
  static examples = ['<%= config.bin %> subcloud-group show Default']
  static jsonShape = jsonShape.object(GROUP_DETAIL)
  static args = {group: nameArg('Subcloud group', {description: 'name or id of the subcloud group'})}
  static flags = {...showFlags, ...authFlags}

  async run() {
    const ref = this.args.group
    const client = await dcmanagerFromFlags(this.flags, this.debugLine)
    return this.printShow(GROUP_DETAIL, groupDetail(await client.subcloudGroups.get(ref)))
  }
}
