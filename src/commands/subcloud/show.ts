import {Flags} from '@oclif/core'
import {nameArg} from '../../cli/names.js'

import {authFlags, dcmanagerFromFlags} from '../../cli/auth-flags.js'
import {BaseCommand, EXIT_CODES_HELP} from '../../cli/base-command.js'
import {SUBCLOUD_DETAIL, SUBCLOUD_SHOW_OPTIONAL, subcloudShow} from '../../core/subclouds/columns.js'
import {showFlags} from '../../cli/output-flags.js'
import {jsonShape} from '../../cli/json-shape.js'

export default class SubcloudShow extends BaseCommand<typeof SubcloudShow> {
  static summary = 'Show the details of a subcloud.'
  static description = `SUBCLOUD is a name or an id. --detail adds the OAM floating address and the deploy config sync status.\n\n${EXIT_CODES_HELP}`
  static examples = ['<%= config.bin %> subcloud show subcloud1', '<%= config.bin %> subcloud show 1 --detail -f json']
  static jsonShape = jsonShape.object(SUBCLOUD_DETAIL, SUBCLOUD_SHOW_OPTIONAL)
  static args = {subcloud: nameArg('Subcloud', {description: 'name or id of the subcloud'})}
  static flags = {
    ...showFlags,
    ...authFlags,
    detail: Flags.boolean({char: 'd', description: 'show additional details (OAM floating IP, deploy config status)'}),
  }

  async run() {
    const ref = this.args.subcloud
    const client = await dcmanagerFromFlags(this.flags, this.debugLine)
    const subcloud = await client.subclouds.get(ref, {detail: this.flags.detail})
    const {fields, values} = subcloudShow(subcloud, {region: true})
    return this.printShow(fields, values)
  }
}
