import {Flags} from '@oclif/core'
import {nameArg} from '../cli/names.js'

import {authFlags, sessionFromFlags} from '../cli/auth-flags.js'
import {BaseCommand, EXIT_CODES_HELP} from '../cli/base-command.js'
import {deleteHostRoute, sysinvFor} from '../core/sysinv/host-routes.js'
import {confirmHighRisk, SYSTEM_HIGH_RISK_WARNING} from '../cli/prompts.js'
import {jsonShape} from '../cli/json-shape.js'

export default class HostRouteDelete extends BaseCommand<typeof HostRouteDelete> {
  static summary = 'Delete a host route, as `system host-route-delete`.'
  static description = `As system, asks for confirmation only when CLI_CONFIRMATIONS=enabled and --yes is absent.\n\n${EXIT_CODES_HELP}`
  static examples = ['<%= config.bin %> host-route-delete 0b8c1a4e-5d2f-4f7a-9a51-3c6e2f1d9b70 --yes']
  static jsonShape = jsonShape.object(['deleted'])
  static args = {uuid: nameArg('Route', {description: 'uuid of the route'})}
  static flags = {
    ...authFlags,
    yes: Flags.boolean({description: 'Automatically confirm the action: host-route-delete'}),
  }

  async run() {
    const uuid = this.args.uuid
    await confirmHighRisk(this.flags.yes, process.env, SYSTEM_HIGH_RISK_WARNING)
    const {session, config} = await sessionFromFlags(this.flags, this.debugLine)
    const client = await sysinvFor(session, config.regionName)
    await deleteHostRoute(client, uuid)
    if (!this.jsonEnabled()) process.stdout.write(`Deleted Route: ${uuid}\n`)
    return {deleted: uuid}
  }
}
