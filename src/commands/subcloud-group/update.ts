import {Flags} from '@oclif/core'
import {nameArg, nameFlag} from '../../cli/names.js'

import {authFlags, dcmanagerFromFlags} from '../../cli/auth-flags.js'
import {BaseCommand, EXIT_CODES_HELP} from '../../cli/base-command.js'
import type {GroupRequest} from '../../core/api/dcmanager-types.js'
import {UsageError} from '../../core/errors.js'
import {GROUP_DETAIL, groupDetail} from '../../core/subclouds/columns.js'
import {showFlags} from '../../cli/output-flags.js'
import {jsonShape} from '../../cli/json-shape.js'

export default class SubcloudGroupUpdate extends BaseCommand<typeof SubcloudGroupUpdate> {
  static summary = 'Update attributes of a subcloud group.'
  static description = EXIT_CODES_HELP
  static examples = ['<%= config.bin %> subcloud-group update edge-east --max_parallel_subclouds 8']
  static jsonShape = jsonShape.object(GROUP_DETAIL)
  static args = {group: nameArg('Subcloud group', {description: 'name or id of the subcloud group'})}
  static flags = {
    ...showFlags,
    ...authFlags,
    name: nameFlag({description: 'new name for the subcloud group'}),
    description: Flags.string({description: 'new description of the subcloud group'}),
    update_apply_type: Flags.string({
      aliases: ['update-apply-type'],
      description: 'new apply type for the subcloud group',
      options: ['serial', 'parallel'],
    }),
    max_parallel_subclouds: Flags.integer({
      aliases: ['max-parallel-subclouds'],
      description: 'new maximum number of parallel subclouds',
    }),
  }

  async run() {
    const request: GroupRequest = {}
    if (this.flags.name !== undefined) request.name = this.flags.name
    if (this.flags.description !== undefined) request.description = this.flags.description
    if (this.flags.update_apply_type !== undefined) request.update_apply_type = this.flags.update_apply_type
    if (this.flags.max_parallel_subclouds !== undefined)
      request.max_parallel_subclouds = this.flags.max_parallel_subclouds
    if (Object.keys(request).length === 0) throw new UsageError('Nothing to update')
    const client = await dcmanagerFromFlags(this.flags, this.debugLine)
    return this.printShow(GROUP_DETAIL, groupDetail(await client.subcloudGroups.update(this.args.group, request)))
  }
}
