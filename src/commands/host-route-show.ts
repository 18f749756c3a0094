import {nameArg} from '../cli/names.js'

import {authFlags, sessionFromFlags} from '../cli/auth-flags.js'
import {BaseCommand, EXIT_CODES_HELP} from '../cli/base-command.js'
import {routeCells, showHostRoute, sysinvFor} from '../core/sysinv/host-routes.js'
import {ROUTE_SHOW_FIELDS} from '../core/sysinv/types.js'
import {showFlags} from '../cli/output-flags.js'
import {CGTS_SHOW_HEADER} from '../core/output/table-format.js'
import {jsonShape} from '../cli/json-shape.js'

export default class HostRouteShow extends BaseCommand<typeof HostRouteShow> {
  static summary = 'Show a host route, as `system host-route-show`.'
  static description = EXIT_CODES_HELP
  static examples = ['<%= config.bin %> host-route-show 0b8c1a4e-5d2f-4f7a-9a51-3c6e2f1d9b70']
  static jsonShape = jsonShape.object(ROUTE_SHOW_FIELDS)
  static args = {uuid: nameArg('Route', {description: 'uuid of the route'})}
  static flags = {...showFlags, ...authFlags}

  async run() {
    const {session, config} = await sessionFromFlags(this.flags, this.debugLine)
    const client = await sysinvFor(session, config.regionName)
    const route = await showHostRoute(client, this.args.uuid)
    return this.printShow([...ROUTE_SHOW_FIELDS], routeCells(route, ROUTE_SHOW_FIELDS), CGTS_SHOW_HEADER)
  }
}
