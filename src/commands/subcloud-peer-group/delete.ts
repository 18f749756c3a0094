import {Flags} from '@oclif/core'

import {authFlags, dcmanagerFromFlags} from '../../cli/auth-flags.js'
import {BaseCommand, EXIT_CODES_HELP} from '../../cli/base-command.js'
import {jsonShape} from '../../cli/json-shape.js'
import {nameArg} from '../../cli/names.js'
import {confirmHighRisk} from '../../cli/prompts.js'

export default class SubcloudPeerGroupDelete extends BaseCommand<typeof SubcloudPeerGroupDelete> {
  static summary = 'Delete subcloud peer group details from the database.'
  static description = `A group still associated with a system peer cannot be deleted; its subclouds leave the group. Asks for confirmation only when CLI_CONFIRMATIONS=enabled (as dcmanager): then on a terminal, and without one it needs --yes.\n\n${EXIT_CODES_HELP}`
  static examples = ['<%= config.bin %> subcloud-peer-group delete pg-east --yes']
  static jsonShape = jsonShape.object(['deleted'])
  static args = {
    group: nameArg('Subcloud peer group', {description: 'Name or ID of the subcloud peer group to delete.'}),
  }
  static flags = {...authFlags, yes: Flags.boolean({description: 'Skip confirmation and proceed with the action.'})}

  async run() {
    await confirmHighRisk(this.flags.yes)
    const client = await dcmanagerFromFlags(this.flags, this.debugLine)
    await client.subcloudPeerGroups.delete(this.args.group)
    return {deleted: this.args.group}
  }
}
