import {Args} from '@oclif/core'

import {authFlags, dcmanagerFromFlags} from '../../auth-flags.js'
import {BaseCommand, EXIT_CODES_HELP} from '../../base-command.js'
import {GROUP_DETAIL, groupDetail} from '../../lib/subclouds/columns.js'
import {showFlags} from '../../output-flags.js'

export default class SubcloudGroupShow extends BaseCommand<typeof SubcloudGroupShow> {
  static summary = 'Show the details of a subcloud group.'
  static description = EXIT_CODES_HELP
  static examples = ['<%= config.bin %> subcloud-group show Default']
  static args = {group: Args.string({description: 'name or id of the subcloud group', required: true})}
  static flags = {...showFlags, ...authFlags}

  async run() {
    const client = await dcmanagerFromFlags(this.flags, this.debugLine)
    return this.printShow(GROUP_DETAIL, groupDetail(await client.getGroup(this.args.group)))
  }
}
