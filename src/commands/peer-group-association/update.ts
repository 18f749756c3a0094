import {Flags} from '@oclif/core'

import {authFlags, dcmanagerFromFlags} from '../../cli/auth-flags.js'
import {associationIdArg} from '../../cli/association-id.js'
import {BaseCommand, EXIT_CODES_HELP} from '../../cli/base-command.js'
import {jsonShape} from '../../cli/json-shape.js'
import {showFlags} from '../../cli/output-flags.js'
import {checkAssociationPriority} from '../../core/geo/association-request.js'
import {PGA_DETAIL, associationDetail} from '../../core/geo/columns.js'

export default class PeerGroupAssociationUpdate extends BaseCommand<typeof PeerGroupAssociationUpdate> {
  static summary = 'Update attributes of a peer group association.'
  static description = `Only on the primary site; the new priority is pushed to the peer site before the answer.\n\n${EXIT_CODES_HELP}`
  static examples = ['<%= config.bin %> peer-group-association update 1 --peer-group-priority 3']
  static jsonShape = jsonShape.object(PGA_DETAIL)
  static args = {id: associationIdArg('ID of the peer group association to update.')}
  static flags = {
    ...showFlags,
    ...authFlags,
    'peer-group-priority': Flags.integer({
      description: 'Priority of the subcloud peer group in this association.',
      required: true,
    }),
  }

  async run() {
    checkAssociationPriority(this.flags['peer-group-priority'])
    const client = await dcmanagerFromFlags(this.flags, this.debugLine)
    const association = await client.peerGroupAssociations.update(this.args.id, this.flags['peer-group-priority'])
    return this.printShow(PGA_DETAIL, associationDetail(association))
  }
}
