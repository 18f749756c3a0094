import {Flags} from '@oclif/core'
import {nameArg} from '../../cli/names.js'

import {authFlags, dcmanagerFromFlags} from '../../cli/auth-flags.js'
import {BaseCommand, EXIT_CODES_HELP} from '../../cli/base-command.js'
import {confirmHighRisk} from '../../cli/prompts.js'
import {jsonShape} from '../../cli/json-shape.js'

export default class SubcloudGroupDelete extends BaseCommand<typeof SubcloudGroupDelete> {
  static summary = 'Delete a subcloud group.'
  static description = `The group must be empty; the Default group cannot be deleted. Asks for confirmation only when CLI_CONFIRMATIONS=enabled (as dcmanager): then on a terminal, and without one it needs --yes.\n\n${EXIT_CODES_HELP}`
  static examples = ['<%= config.bin %> subcloud-group delete edge-east --yes']
  static jsonShape = jsonShape.object(['deleted'])
  static args = {group: nameArg('Subcloud group', {description: 'name or id of the subcloud group'})}
  static flags = {...authFlags, yes: Flags.boolean({description: 'Skip confirmation and proceed with the action.'})}

  async run() {
    const ref = this.args.group
    await confirmHighRisk(this.flags.yes)
    const client = await dcmanagerFromFlags(this.flags, this.debugLine)
    await client.subcloudGroups.delete(ref)
    return {deleted: ref}
  }
}
