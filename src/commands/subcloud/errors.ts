import {nameArg} from '../../cli/names.js'
import {escapeControlInText} from '../../core/output/control-chars.js'

import {authFlags, dcmanagerFromFlags} from '../../cli/auth-flags.js'
import {BaseCommand, EXIT_CODES_HELP} from '../../cli/base-command.js'
import {jsonShape} from '../../cli/json-shape.js'

export default class SubcloudErrors extends BaseCommand<typeof SubcloudErrors> {
  static summary = 'Show the error description of a subcloud.'
  static description = `Prints the subcloud's error-description (with the server's hints for bootstrap and config failures).\n\n${EXIT_CODES_HELP}`
  static examples = ['<%= config.bin %> subcloud errors subcloud1']
  static jsonShape = jsonShape.object(['name', 'error_description'])
  static args = {subcloud: nameArg('Subcloud', {description: 'name or id of the subcloud'})}
  static flags = {...authFlags}

  async run() {
    const ref = this.args.subcloud
    const client = await dcmanagerFromFlags(this.flags, this.debugLine)
    const subcloud = await client.subclouds.get(ref)
    const description = subcloud['error-description'] ?? ''
    // The text comes from the server: its lines are kept, control characters shown escaped (--json keeps them).
    if (!this.jsonEnabled()) process.stdout.write(`${escapeControlInText(description)}\n`)
    return {name: subcloud.name, error_description: description}
  }
}
