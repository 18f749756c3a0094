import {Args, Flags} from '@oclif/core'
import {nameArg} from '../cli/names.js'

import {authFlags, sessionFromFlags} from '../cli/auth-flags.js'
import {BaseCommand, EXIT_CODES_HELP} from '../cli/base-command.js'
import {addHostRoute, routeCells, sysinvFor} from '../core/sysinv/host-routes.js'
import {parseRouteArguments} from '../core/sysinv/route-input.js'
import {ROUTE_SHOW_FIELDS} from '../core/sysinv/types.js'
import {showFlags} from '../cli/output-flags.js'
import {CGTS_SHOW_HEADER} from '../core/output/table-format.js'
import {jsonShape} from '../cli/json-shape.js'

export default class HostRouteAdd extends BaseCommand<typeof HostRouteAdd> {
  static summary = 'Add a static route to an interface of a host (sysinv), as `system host-route-add`.'
  static description = `Arguments are positional as in \`system host-route-add\`; METRIC defaults to 1. NETWORK may also be given as NETWORK/PREFIX, followed by GATEWAY [METRIC].
The route is checked before anything is sent (same rules and messages as sysinv: host bits, gateway inside the destination, address families, ...).
sysinv is found in the Keystone catalog (service type platform) of the region OS_REGION_NAME names: on a subcloud, source /etc/platform/openrc; with the lab, eval "$(dcm lab env --subcloud NAME)".

${EXIT_CODES_HELP}`
  static usage = 'host-route-add HOST IFNAME NETWORK PREFIX GATEWAY [METRIC]'
  static examples = [
    '<%= config.bin %> host-route-add controller-0 enp0s8 192.168.204.0 24 192.168.101.1',
    '<%= config.bin %> host-route-add 1 enp0s8 192.168.204.0/24 192.168.101.1 --metric 1',
  ]
  static jsonShape = jsonShape.object(ROUTE_SHOW_FIELDS)
  static args = {
    host: nameArg('Host', {description: 'hostname, id or uuid of the host'}),
    ifname: nameArg('Interface', {description: 'name or uuid of the interface'}),
    network: Args.string({description: 'destination network address (or NETWORK/PREFIX)', required: true}),
    prefix: Args.string({description: 'destination prefix length'}),
    gateway: Args.string({description: 'next-hop address'}),
    metric: Args.string({description: 'route metric (default 1)'}),
  }
  static flags = {
    ...showFlags,
    ...authFlags,
    metric: Flags.integer({description: 'route metric, instead of the positional METRIC (default 1)', min: 0}),
    'if-not-exists': Flags.boolean({description: 'succeed without change when the identical route already exists'}),
  }

  async run() {
    const {host, ifname, network, prefix, gateway, metric} = this.args
    // Checked before any connection: bad input never reaches the network (exit 2).
    const route = parseRouteArguments({network, rest: [prefix, gateway, metric], metricFlag: this.flags.metric})
    const {session, config} = await sessionFromFlags(this.flags, this.debugLine)
    const client = await sysinvFor(session, config.regionName)
    const result = await addHostRoute(client, {
      regionName: config.regionName,
      host,
      interfaceRef: ifname,
      route,
      ifNotExists: this.flags['if-not-exists'],
    })
    if (result.existed) this.debugLine(`route ${result.route.uuid} already existed; nothing changed`)
    return this.printShow([...ROUTE_SHOW_FIELDS], routeCells(result.route, ROUTE_SHOW_FIELDS), CGTS_SHOW_HEADER)
  }
}
