import {Args, Flags} from '@oclif/core'

import {authFlags, dcmanagerFromFlags} from '../../cli/auth-flags.js'
import {BaseCommand, EXIT_CODES_HELP} from '../../cli/base-command.js'
import {OperationError} from '../../core/errors.js'
import {confirmAction} from '../../cli/prompts.js'
import {jsonShape} from '../../cli/json-shape.js'

export default class SubcloudGroupDelete extends BaseCommand<typeof SubcloudGroupDelete> {
  static summary = 'Delete a subcloud group.'
  static description = `The group must be empty; the Default group cannot be deleted. Asks for confirmation on a terminal; in scripts pass --yes.\n\n${EXIT_CODES_HELP}`
  static examples = ['<%= config.bin %> subcloud-group delete edge-east --yes']
  static jsonShape = jsonShape.object(['deleted'])
  static args = {group: Args.string({description: 'name or id of the subcloud group', required: true})}
  static flags = {...authFlags, yes: Flags.boolean({description: 'do not ask for confirmation'})}

  async run() {
    const ref = this.args.group
    if (!(await confirmAction(`Delete subcloud group ${ref}?`, this.flags.yes)))
      throw new OperationError('Operation cancelled by the user.')
    const client = await dcmanagerFromFlags(this.flags, this.debugLine)
    await client.subcloudGroups.delete(ref)
    return {deleted: ref}
  }
}
