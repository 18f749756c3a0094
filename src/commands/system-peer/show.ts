import {Flags} from '@oclif/core'

import {authFlags, dcmanagerFromFlags, sessionFromFlags} from '../../cli/auth-flags.js'
import {BaseCommand, EXIT_CODES_HELP} from '../../cli/base-command.js'
import {jsonShape} from '../../cli/json-shape.js'
import {nameArg} from '../../cli/names.js'
import {showFlags} from '../../cli/output-flags.js'
import {managerPasswordFlags, resolveManagerPassword} from '../../cli/peer-password.js'
import {PEER_DETAIL, peerDetail} from '../../core/geo/columns.js'
import {HEALTH_FIELDS} from '../../core/geo/peer-health.js'

export default class SystemPeerShow extends BaseCommand<typeof SystemPeerShow> {
  static summary = 'Show the details of a system peer.'
  static description = `--health (dcm) shows the heartbeat from both sides: this site's record of the peer (is the peer reachable from here) and the peer's record of this site, found on the peer by this site's system UUID (is this site reachable from there), with the associations on each side. It logs in to the peer with the record's manager endpoint and user; the password comes from --manager-password, --manager-password-stdin, DCM_PEER_MANAGER_PASSWORD or a prompt. A peer that cannot be reached is shown as such (exit 0): this side still answers.\n\n${EXIT_CODES_HELP}`
  static examples = [
    '<%= config.bin %> system-peer show site-b',
    'DCM_PEER_MANAGER_PASSWORD=... <%= config.bin %> system-peer show site-b --health',
  ]
  static jsonShape = jsonShape.oneOf(jsonShape.object(PEER_DETAIL), jsonShape.object(HEALTH_FIELDS))
  static args = {peer: nameArg('System peer', {description: 'UUID or ID of system peer to view the details.'})}
  static flags = {
    ...showFlags,
    ...authFlags,
    health: Flags.boolean({description: 'the heartbeat as this site and the peer each see it (logs in to the peer)'}),
    ...managerPasswordFlags("with --health: the peer's manager password"),
  }

  async run() {
    if (!this.flags.health) {
      const client = await dcmanagerFromFlags(this.flags, this.debugLine)
      return this.printShow(PEER_DETAIL, peerDetail(await client.systemPeers.get(this.args.peer)))
    }
    const [{peerHealth, healthRows}, {sysinvFor}, {DcmanagerClient}, {peerDcmanager}] = await Promise.all([
      import('../../core/geo/peer-health.js'),
      import('../../core/sysinv/host-routes.js'),
      import('../../core/api/dcmanager-client.js'),
      import('../../cli/peer-connect.js'),
    ])
    const password = await resolveManagerPassword(this.flags, 'peer manager')
    const {session, config} = await sessionFromFlags(this.flags, this.debugLine)
    const local = new DcmanagerClient(session, {url: config.dcmanagerUrl, interface: config.interface})
    const health = await peerHealth(this.args.peer, {
      local,
      // The System Controller's own sysinv is RegionOne's, as dcmanager reads it (`get_region_one_name`).
      localSystem: async () => (await sysinvFor(session, 'RegionOne')).getSystem(),
      connectPeer: (record) => peerDcmanager(record, password, config, this.flags.debug ? this.debugLine : undefined),
    })
    return this.printShow(HEALTH_FIELDS, healthRows(health))
  }
}
