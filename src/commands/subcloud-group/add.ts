import {Flags} from '@oclif/core'
import {requiredNameFlag} from '../../cli/names.js'

import {authFlags, dcmanagerFromFlags} from '../../cli/auth-flags.js'
import {BaseCommand, EXIT_CODES_HELP} from '../../cli/base-command.js'
import {GROUP_DETAIL, groupDetail} from '../../core/subclouds/columns.js'
import {showFlags} from '../../cli/output-flags.js'
import {jsonShape} from '../../cli/json-shape.js'

export default class SubcloudGroupAdd extends BaseCommand<typeof SubcloudGroupAdd> {
  static summary = 'Add a subcloud group.'
  static description = `Option names keep dcmanager's underscores (--update_apply_type); hyphenated aliases are accepted.\n\n${EXIT_CODES_HELP}`
  static examples = [
    '<%= config.bin %> subcloud-group add --name edge-east --update_apply_type serial --max_parallel_subclouds 4',
  ]
  static jsonShape = jsonShape.object(GROUP_DETAIL)
  static flags = {
    ...showFlags,
    ...authFlags,
    name: requiredNameFlag({description: 'name for the new subcloud group'}),
    description: Flags.string({description: 'description of the subcloud group', default: 'No description provided'}),
    update_apply_type: Flags.string({
      aliases: ['update-apply-type'],
      description: 'apply type for the subcloud group',
      options: ['serial', 'parallel'],
      default: 'parallel',
    }),
    max_parallel_subclouds: Flags.integer({
      aliases: ['max-parallel-subclouds'],
      description: 'maximum number of parallel subclouds',
      default: 2,
    }),
  }

  async run() {
    const client = await dcmanagerFromFlags(this.flags, this.debugLine)
    const group = await client.subcloudGroups.add({
      name: this.flags.name,
      description: this.flags.description,
      update_apply_type: this.flags.update_apply_type,
      max_parallel_subclouds: this.flags.max_parallel_subclouds,
    })
    return this.printShow(GROUP_DETAIL, groupDetail(group))
  }
}
