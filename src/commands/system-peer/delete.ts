import {Flags} from '@oclif/core'

import {authFlags, dcmanagerFromFlags} from '../../cli/auth-flags.js'
import {BaseCommand, EXIT_CODES_HELP} from '../../cli/base-command.js'
import {jsonShape} from '../../cli/json-shape.js'
import {nameArg} from '../../cli/names.js'
import {confirmHighRisk} from '../../cli/prompts.js'

export default class SystemPeerDelete extends BaseCommand<typeof SystemPeerDelete> {
  static summary = 'Delete system peer details from the database.'
  static description = `A peer still associated with a peer group cannot be deleted. Asks for confirmation only when CLI_CONFIRMATIONS=enabled (as dcmanager): then on a terminal, and without one it needs --yes.\n\n${EXIT_CODES_HELP}`
  static examples = ['<%= config.bin %> system-peer delete site-b --yes']
  static jsonShape = jsonShape.object(['deleted'])
  static args = {peer: nameArg('System peer', {description: 'UUID or ID of the system peer to delete.'})}
  static flags = {...authFlags, yes: Flags.boolean({description: 'Skip confirmation and proceed with the action.'})}

  async run() {
    await confirmHighRisk(this.flags.yes)
    const client = await dcmanagerFromFlags(this.flags, this.debugLine)
    await client.systemPeers.delete(this.args.peer)
    return {deleted: this.args.peer}
  }
}
