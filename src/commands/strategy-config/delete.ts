import {Args, Flags} from '@oclif/core'

import {authFlags, dcmanagerFromFlags} from '../../cli/auth-flags.js'
import {BaseCommand, EXIT_CODES_HELP} from '../../cli/base-command.js'
import {jsonShape} from '../../cli/json-shape.js'
import {confirmAction} from '../../cli/prompts.js'
import {OperationError} from '../../core/errors.js'

export default class StrategyConfigDelete extends BaseCommand<typeof StrategyConfigDelete> {
  static jsonShape = jsonShape.object(['deleted'])
  static summary = 'Delete the strategy options of a subcloud (SystemController: the saved defaults).'
  static description = `As dcmanager, asks for confirmation only when CLI_CONFIRMATIONS=enabled and --yes is absent.\n\n${EXIT_CODES_HELP}`
  static examples = ['<%= config.bin %> strategy-config delete subcloud1']
  static args = {subcloud: Args.string({description: 'Subcloud name or id.', required: true})}
  static flags = {yes: Flags.boolean({description: 'skip the confirmation prompt'}), ...authFlags}

  async run() {
    if (
      process.env.CLI_CONFIRMATIONS === 'enabled' &&
      !(await confirmAction(
        'WARNING: This is a high-risk operation that may cause service interruption or remove critical resources. Do you want to continue?',
        this.flags.yes,
      ))
    )
      throw new OperationError('Operation cancelled by the user.')
    const client = await dcmanagerFromFlags(this.flags, this.debugLine)
    await client.strategyOptions.delete(this.args.subcloud)
    return {deleted: this.args.subcloud}
  }
}
