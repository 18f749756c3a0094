import {Args, Flags} from '@oclif/core'

import {authFlags, dcmanagerFromFlags} from '../../auth-flags.js'
import {BaseCommand, EXIT_CODES_HELP} from '../../base-command.js'
import {OperationError} from '../../lib/errors.js'
import {subcloudShow} from '../../lib/subclouds/columns.js'
import {unmanageForm} from '../../lib/subclouds/update.js'
import {showFlags} from '../../output-flags.js'
import {confirmAction} from '../../prompts.js'

export default class SubcloudUnmanage extends BaseCommand<typeof SubcloudUnmanage> {
  static summary = 'Unmanage a subcloud.'
  static description = `As dcmanager, asks for confirmation only when CLI_CONFIRMATIONS=enabled and --yes is absent.\n\n${EXIT_CODES_HELP}`
  static examples = ['<%= config.bin %> subcloud unmanage subcloud1']
  static args = {subcloud: Args.string({description: 'name or id of the subcloud', required: true})}
  static flags = {
    ...showFlags,
    ...authFlags,
    migrate: Flags.boolean({description: "mark the subcloud for migration (deploy status 'rehome-pending')"}),
    yes: Flags.boolean({description: 'skip the confirmation prompt'}),
  }

  async run() {
    const ref = this.args.subcloud
    if (
      process.env.CLI_CONFIRMATIONS === 'enabled' &&
      !(await confirmAction(`Unmanage subcloud ${ref}?`, this.flags.yes))
    )
      throw new OperationError('Operation cancelled by the user.')
    const client = await dcmanagerFromFlags(this.flags, this.debugLine)
    const subcloud = await client.updateSubcloud(
      ref,
      unmanageForm(this.flags.migrate),
      `Unable to unmanage subcloud ${ref}`,
    )
    const {fields, values} = subcloudShow(subcloud)
    return this.printShow(fields, values)
  }
}
