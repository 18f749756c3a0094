import {Flags} from '@oclif/core'
import {nameArg} from '../../cli/names.js'

import {authFlags, dcmanagerFromFlags} from '../../cli/auth-flags.js'
import {BaseCommand, EXIT_CODES_HELP} from '../../cli/base-command.js'
import {SUBCLOUD_DETAIL, SUBCLOUD_SHOW_OPTIONAL, subcloudShow} from '../../core/subclouds/columns.js'
import {manageForm} from '../../core/subclouds/update.js'
import {showFlags} from '../../cli/output-flags.js'
import {jsonShape} from '../../cli/json-shape.js'

export default class SubcloudManage extends BaseCommand<typeof SubcloudManage> {
  static summary = 'Manage a subcloud.'
  static description = `The subcloud must be online and its deploy status complete; --force skips the server's checks.\n\n${EXIT_CODES_HELP}`
  static examples = ['<%= config.bin %> subcloud manage subcloud1']
  static jsonShape = jsonShape.object(SUBCLOUD_DETAIL, SUBCLOUD_SHOW_OPTIONAL)
  static args = {subcloud: nameArg('Subcloud', {description: 'name or id of the subcloud'})}
  static flags = {
    ...showFlags,
    ...authFlags,
    force: Flags.boolean({
      description: 'disregard subcloud availability status, intended for some upgrade recovery scenarios',
    }),
  }

  async run() {
    const client = await dcmanagerFromFlags(this.flags, this.debugLine)
    const ref = this.args.subcloud
    const subcloud = await client.subclouds.update(
      ref,
      manageForm(this.flags.force),
      `Unable to manage subcloud ${ref}`,
    )
    const {fields, values} = subcloudShow(subcloud)
    return this.printShow(fields, values)
  }
}
