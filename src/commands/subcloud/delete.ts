import {Args, Flags} from '@oclif/core'

import {authFlags, dcmanagerFromFlags} from '../../cli/auth-flags.js'
import {BaseCommand, EXIT_CODES_HELP} from '../../cli/base-command.js'
import {OperationError} from '../../core/errors.js'
import {confirmAction} from '../../cli/prompts.js'
import {jsonShape} from '../../cli/json-shape.js'

export default class SubcloudDelete extends BaseCommand<typeof SubcloudDelete> {
  static summary = 'Delete a subcloud.'
  static description = `The subcloud must be unmanaged and offline. Asks for confirmation on a terminal; in scripts pass --yes.\n\n${EXIT_CODES_HELP}`
  static examples = ['<%= config.bin %> subcloud delete subcloud1 --yes']
  static jsonShape = jsonShape.object(['deleted'])
  static args = {subcloud: Args.string({description: 'name or id of the subcloud', required: true})}
  static flags = {...authFlags, yes: Flags.boolean({description: 'do not ask for confirmation'})}

  async run() {
    const ref = this.args.subcloud
    if (!(await confirmAction(`Delete subcloud ${ref}? This cannot be undone.`, this.flags.yes)))
      throw new OperationError('Operation cancelled by the user.')
    const client = await dcmanagerFromFlags(this.flags, this.debugLine)
    await client.subclouds.delete(ref)
    return {deleted: ref}
  }
}
