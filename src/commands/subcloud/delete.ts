import {Flags} from '@oclif/core'
import {nameArg} from '../../cli/names.js'

import {authFlags, dcmanagerFromFlags} from '../../cli/auth-flags.js'
import {BaseCommand, EXIT_CODES_HELP} from '../../cli/base-command.js'
import {confirmHighRisk} from '../../cli/prompts.js'
import {jsonShape} from '../../cli/json-shape.js'

export default class SubcloudDelete extends BaseCommand<typeof SubcloudDelete> {
  static summary = 'Delete a subcloud.'
  static description = `The subcloud must be unmanaged and offline. Asks for confirmation only when CLI_CONFIRMATIONS=enabled (as dcmanager): then on a terminal, and without one it needs --yes.\n\n${EXIT_CODES_HELP}`
  static examples = ['<%= config.bin %> subcloud delete subcloud1 --yes']
  static jsonShape = jsonShape.object(['deleted'])
  static args = {subcloud: nameArg('Subcloud', {description: 'name or id of the subcloud'})}
  static flags = {...authFlags, yes: Flags.boolean({description: 'Skip confirmation and proceed with the action.'})}

  async run() {
    const ref = this.args.subcloud
    await confirmHighRisk(this.flags.yes)
    const client = await dcmanagerFromFlags(this.flags, this.debugLine)
    await client.subclouds.delete(ref)
    return {deleted: ref}
  }
}
