import {Flags} from '@oclif/core'
import {nameArg} from '../../cli/names.js'

import {authFlags, dcmanagerFromFlags} from '../../cli/auth-flags.js'
import {BaseCommand, EXIT_CODES_HELP} from '../../cli/base-command.js'
import {unmanageForm} from '../../core/subclouds/update.js'
import {showFlags} from '../../cli/output-flags.js'
import {confirmHighRisk} from '../../cli/prompts.js'
import {SUBCLOUD_DETAIL, SUBCLOUD_SHOW_OPTIONAL, subcloudShow} from '../../core/subclouds/columns.js'
import {jsonShape} from '../../cli/json-shape.js'

export default class SubcloudUnmanage extends BaseCommand<typeof SubcloudUnmanage> {
  static summary = 'Unmanage a subcloud.'
  static description = `As dcmanager, asks for confirmation only when CLI_CONFIRMATIONS=enabled and --yes is absent.\n\n${EXIT_CODES_HELP}`
  static examples = ['<%= config.bin %> subcloud unmanage subcloud1']
  static jsonShape = jsonShape.object(SUBCLOUD_DETAIL, SUBCLOUD_SHOW_OPTIONAL)
  static args = {subcloud: nameArg('Subcloud', {description: 'name or id of the subcloud'})}
  static flags = {
    ...showFlags,
    ...authFlags,
    migrate: Flags.boolean({description: "mark the subcloud for migration (deploy status 'rehome-pending')"}),
    yes: Flags.boolean({description: 'skip the confirmation prompt'}),
  }

  async run() {
    const ref = this.args.subcloud
    await confirmHighRisk(this.flags.yes)
    const client = await dcmanagerFromFlags(this.flags, this.debugLine)
    const subcloud = await client.subclouds.update(
      ref,
      unmanageForm(this.flags.migrate),
      `Unable to unmanage subcloud ${ref}`,
    )
    const {fields, values} = subcloudShow(subcloud)
    return this.printShow(fields, values)
  }
}
