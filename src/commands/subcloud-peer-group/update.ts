import {Flags} from '@oclif/core'

import {authFlags, dcmanagerFromFlags} from '../../cli/auth-flags.js'
import {BaseCommand, EXIT_CODES_HELP} from '../../cli/base-command.js'
import {jsonShape} from '../../cli/json-shape.js'
import {nameArg, nameFlag} from '../../cli/names.js'
import {showFlags} from '../../cli/output-flags.js'
import type {SubcloudPeerGroupRequest} from '../../core/api/geo-types.js'
import {UsageError} from '../../core/errors.js'
import {SPG, peerGroupRow} from '../../core/geo/columns.js'
import {checkPeerGroupRequest} from '../../core/geo/peer-group-request.js'

export default class SubcloudPeerGroupUpdate extends BaseCommand<typeof SubcloudPeerGroupUpdate> {
  static summary = 'Update attributes of a subcloud peer group.'
  static description = `Only on the site that leads the group (priority 0); a change of name, state or --max-subcloud-rehoming is pushed to the associated peer sites first.\n\n${EXIT_CODES_HELP}`
  static examples = ['<%= config.bin %> subcloud-peer-group update pg-east --max-subcloud-rehoming 20']
  static jsonShape = jsonShape.object(SPG)
  static args = {
    group: nameArg('Subcloud peer group', {description: 'Name or ID of the subcloud peer group to update.'}),
  }
  static flags = {
    ...showFlags,
    ...authFlags,
    'peer-group-name': nameFlag({description: 'Name for the new subcloud peer group.'}),
    'group-state': Flags.string({
      description: 'Administrative control of subcloud peer group.',
      options: ['enabled', 'disabled'],
    }),
    'max-subcloud-rehoming': Flags.integer({description: 'Maximum number of subclouds to migrate in parallel'}),
  }

  async run() {
    const f = this.flags
    const request: SubcloudPeerGroupRequest = {}
    if (f['peer-group-name'] !== undefined) request['peer-group-name'] = f['peer-group-name']
    if (f['group-state'] !== undefined) request['group-state'] = f['group-state']
    if (f['max-subcloud-rehoming'] !== undefined) request['max-subcloud-rehoming'] = f['max-subcloud-rehoming']
    if (Object.keys(request).length === 0) throw new UsageError('Nothing to update')
    checkPeerGroupRequest(request)
    const client = await dcmanagerFromFlags(this.flags, this.debugLine)
    return this.printShow(SPG, peerGroupRow(await client.subcloudPeerGroups.update(this.args.group, request)))
  }
}
