import {Flags} from '@oclif/core'

import {authFlags, dcmanagerFromFlags} from '../../cli/auth-flags.js'
import {BaseCommand, EXIT_CODES_HELP} from '../../cli/base-command.js'
import {
  SECONDARY_STATES,
  SUBCLOUD_LIST,
  SUBCLOUD_LIST_DETAIL,
  subcloudListDetailRow,
  subcloudListRow,
  rowsOrNone,
} from '../../core/subclouds/columns.js'
import {listerFlags} from '../../cli/output-flags.js'
import {jsonShape} from '../../cli/json-shape.js'

export default class SubcloudList extends BaseCommand<typeof SubcloudList> {
  static summary = 'List subclouds.'
  static description = `Same columns as \`dcmanager subcloud list\`; with -d or any -c, the detail columns (underscore names such as deploy_status).\n\n${EXIT_CODES_HELP}`
  static examples = [
    '<%= config.bin %> subcloud list',
    '<%= config.bin %> subcloud list -d -f json',
    '<%= config.bin %> subcloud list -c name -c deploy_status',
  ]
  static jsonShape = jsonShape.oneOf(jsonShape.list(SUBCLOUD_LIST), jsonShape.list(SUBCLOUD_LIST_DETAIL))
  static flags = {
    ...listerFlags,
    ...authFlags,
    all: Flags.boolean({description: 'also list secondary subclouds (peer-site copies), hidden by default'}),
    detail: Flags.boolean({char: 'd', description: 'show the detail columns'}),
  }

  async run() {
    const client = await dcmanagerFromFlags(this.flags, this.debugLine)
    const subclouds = (await client.subclouds.list()).filter(
      (subcloud) => this.flags.all || !SECONDARY_STATES.has(subcloud['deploy-status']),
    )
    if (this.flags.detail || (this.flags.column?.length ?? 0) > 0)
      return this.printList(
        SUBCLOUD_LIST_DETAIL,
        rowsOrNone(SUBCLOUD_LIST_DETAIL, subclouds.map(subcloudListDetailRow), this.jsonEnabled()),
      )
    return this.printList(SUBCLOUD_LIST, rowsOrNone(SUBCLOUD_LIST, subclouds.map(subcloudListRow), this.jsonEnabled()))
  }
}
