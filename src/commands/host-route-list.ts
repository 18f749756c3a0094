import {nameArg} from '../cli/names.js'

import {authFlags, sessionFromFlags} from '../cli/auth-flags.js'
import {BaseCommand, EXIT_CODES_HELP} from '../cli/base-command.js'
import {listHostRoutes, routeCells, routeRecord, sysinvFor} from '../core/sysinv/host-routes.js'
import {ROUTE_LIST_COLUMNS} from '../core/sysinv/types.js'
import {listerFlags} from '../cli/output-flags.js'
import {jsonShape} from '../cli/json-shape.js'

export default class HostRouteList extends BaseCommand<typeof HostRouteList> {
  static summary = 'List the static routes of a host, as `system host-route-list`.'
  static description = `Columns uuid, ifname, network, prefix, gateway, metric, sorted by ifname.\n\n${EXIT_CODES_HELP}`
  static examples = ['<%= config.bin %> host-route-list controller-0', '<%= config.bin %> host-route-list 1 -f json']
  static jsonShape = jsonShape.list(ROUTE_LIST_COLUMNS)
  static args = {host: nameArg('Host', {description: 'hostname, id or uuid of the host'})}
  static flags = {...listerFlags, ...authFlags}

  async run() {
    const {session, config} = await sessionFromFlags(this.flags, this.debugLine)
    const client = await sysinvFor(session, config.regionName)
    const routes = await listHostRoutes(client, this.args.host)
    const rows = routes.map((route) => routeCells(route, ROUTE_LIST_COLUMNS))
    // `system` prints every column left aligned; the table renderer right-aligns numbers, so the table
    // gets them as text. Structured formats (-f json|yaml|csv|value, --json) keep them numeric.
    const shown = this.flags.format === 'table' ? rows.map((row) => row.map((cell) => String(cell ?? ''))) : rows
    this.printList([...ROUTE_LIST_COLUMNS], shown)
    return routes.map((route) => routeRecord(route, ROUTE_LIST_COLUMNS))
  }
}
