import {Flags} from '@oclif/core'

import {authFlags, dcmanagerFromFlags} from '../../cli/auth-flags.js'
import {BaseCommand, EXIT_CODES_HELP} from '../../cli/base-command.js'
import {jsonShape} from '../../cli/json-shape.js'
import {requiredNameFlag} from '../../cli/names.js'
import {showFlags} from '../../cli/output-flags.js'
import {SPG, peerGroupRow} from '../../core/geo/columns.js'
import {checkPeerGroupRequest} from '../../core/geo/peer-group-request.js'

export default class SubcloudPeerGroupAdd extends BaseCommand<typeof SubcloudPeerGroupAdd> {
  static summary = 'Add a new subcloud peer group.'
  static description = `The group is created with priority 0 (this site leads it) and this site as its leader. The name and --max-subcloud-rehoming are checked before sending (exit 2 with the server's words).\n\n${EXIT_CODES_HELP}`
  static examples = ['<%= config.bin %> subcloud-peer-group add --peer-group-name pg-east --max-subcloud-rehoming 5']
  static jsonShape = jsonShape.object(SPG)
  static flags = {
    ...showFlags,
    ...authFlags,
    'peer-group-name': requiredNameFlag({description: 'Name for the new subcloud peer group.'}),
    'group-state': Flags.string({
      description: 'Administrative control of subcloud group.',
      options: ['enabled', 'disabled'],
      default: 'enabled',
    }),
    'max-subcloud-rehoming': Flags.integer({
      description: 'Maximum number of subclouds to migrate in parallel',
      default: 10,
    }),
  }

  async run() {
    const f = this.flags
    const request = {
      'peer-group-name': f['peer-group-name'],
      'group-state': f['group-state'],
      'max-subcloud-rehoming': f['max-subcloud-rehoming'],
    }
    checkPeerGroupRequest(request)
    const client = await dcmanagerFromFlags(this.flags, this.debugLine)
    return this.printShow(SPG, peerGroupRow(await client.subcloudPeerGroups.add(request)))
  }
}
