import {Flags} from '@oclif/core'

import {authFlags, dcmanagerFromFlags} from '../../cli/auth-flags.js'
import {BaseCommand, EXIT_CODES_HELP} from '../../cli/base-command.js'
import {jsonShape} from '../../cli/json-shape.js'
import {showFlags} from '../../cli/output-flags.js'
import {PGA_DETAIL, associationDetail} from '../../core/geo/columns.js'
import {checkAssociationPriority} from '../../core/geo/association-request.js'

export default class PeerGroupAssociationAdd extends BaseCommand<typeof PeerGroupAssociationAdd> {
  static summary = 'Add a new peer group association.'
  static description = `Associates a peer group this site leads (priority 0) with a system peer; the priority is the group's on the peer site (1 to 65536). The sync to the peer starts at once: follow it with \`peer-group-association show\`, or \`sync --wait\`.\n\n${EXIT_CODES_HELP}`
  static examples = [
    '<%= config.bin %> peer-group-association add --peer-group-id 1 --system-peer-id 1 --peer-group-priority 2',
  ]
  static jsonShape = jsonShape.object(PGA_DETAIL)
  static flags = {
    ...showFlags,
    ...authFlags,
    'peer-group-id': Flags.integer({description: 'Subcloud peer group ID.', required: true}),
    'system-peer-id': Flags.integer({description: 'System Peer ID.', required: true}),
    'peer-group-priority': Flags.integer({description: 'Priority of this peer group.', required: true}),
  }

  async run() {
    const f = this.flags
    checkAssociationPriority(f['peer-group-priority'])
    const client = await dcmanagerFromFlags(this.flags, this.debugLine)
    const association = await client.peerGroupAssociations.add({
      peer_group_id: f['peer-group-id'],
      system_peer_id: f['system-peer-id'],
      peer_group_priority: f['peer-group-priority'],
    })
    return this.printShow(PGA_DETAIL, associationDetail(association))
  }
}
