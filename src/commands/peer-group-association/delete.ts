import {Flags} from '@oclif/core'

import {authFlags, dcmanagerFromFlags} from '../../cli/auth-flags.js'
import {associationIdArg} from '../../cli/association-id.js'
import {BaseCommand, EXIT_CODES_HELP} from '../../cli/base-command.js'
import {jsonShape} from '../../cli/json-shape.js'
import {confirmHighRisk} from '../../cli/prompts.js'

export default class PeerGroupAssociationDelete extends BaseCommand<typeof PeerGroupAssociationDelete> {
  static summary = 'Delete peer group association from the database.'
  static description = `On the primary site the peer's copy (its association, group and secondary subclouds) is removed first. Asks for confirmation only when CLI_CONFIRMATIONS=enabled (as dcmanager): then on a terminal, and without one it needs --yes.\n\n${EXIT_CODES_HELP}`
  static examples = ['<%= config.bin %> peer-group-association delete 1 --yes']
  static jsonShape = jsonShape.object(['deleted'])
  static args = {id: associationIdArg('ID of the peer group association to delete.')}
  static flags = {...authFlags, yes: Flags.boolean({description: 'Skip confirmation and proceed with the action.'})}

  async run() {
    await confirmHighRisk(this.flags.yes)
    const client = await dcmanagerFromFlags(this.flags, this.debugLine)
    await client.peerGroupAssociations.delete(this.args.id)
    return {deleted: this.args.id}
  }
}
