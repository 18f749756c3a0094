import {authFlags, dcmanagerFromFlags} from '../../cli/auth-flags.js'
import {BaseCommand, EXIT_CODES_HELP} from '../../cli/base-command.js'
import {jsonShape} from '../../cli/json-shape.js'
import {showFlags} from '../../cli/output-flags.js'
import {associationIdArg} from '../../cli/association-id.js'
import {PGA_DETAIL, associationDetail} from '../../core/geo/columns.js'

export default class PeerGroupAssociationShow extends BaseCommand<typeof PeerGroupAssociationShow> {
  static summary = 'Show the details of a peer group association.'
  static description = EXIT_CODES_HELP
  static examples = ['<%= config.bin %> peer-group-association show 1']
  static jsonShape = jsonShape.object(PGA_DETAIL)
  static args = {id: associationIdArg('ID of the peer group association to view the details.')}
  static flags = {...showFlags, ...authFlags}

  async run() {
    const client = await dcmanagerFromFlags(this.flags, this.debugLine)
    return this.printShow(PGA_DETAIL, associationDetail(await client.peerGroupAssociations.get(this.args.id)))
  }
}
