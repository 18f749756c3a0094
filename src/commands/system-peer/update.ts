import {Flags} from '@oclif/core'

import {authFlags, dcmanagerFromFlags} from '../../cli/auth-flags.js'
import {BaseCommand, EXIT_CODES_HELP} from '../../cli/base-command.js'
import {jsonShape} from '../../cli/json-shape.js'
import {nameArg, nameFlag} from '../../cli/names.js'
import {showFlags} from '../../cli/output-flags.js'
import {managerPasswordFlags, resolveManagerPassword} from '../../cli/peer-password.js'
import type {SystemPeerRequest} from '../../core/api/geo-types.js'
import {base64Password} from '../../core/api/multipart.js'
import {UsageError} from '../../core/errors.js'
import {PEER_DETAIL, peerDetail} from '../../core/geo/columns.js'
import {checkSystemPeerRequest} from '../../core/geo/peer-request.js'

export default class SystemPeerUpdate extends BaseCommand<typeof SystemPeerUpdate> {
  static summary = 'Update attributes of a system peer.'
  static description = `Only the options given are sent. A new manager password comes from --manager-password, --manager-password-stdin, or (upstream's bare --manager-password) --manager-password-prompt on a terminal. When the gateway change needs more from the operator, the server's note goes to stderr.\n\n${EXIT_CODES_HELP}`
  static examples = [
    '<%= config.bin %> system-peer update site-b --heartbeat-interval 30 --heartbeat-failure-policy rehome',
  ]
  static jsonShape = jsonShape.object(PEER_DETAIL)
  static args = {peer: nameArg('System peer', {description: 'UUID or ID of the system peer to update.'})}
  static flags = {
    ...showFlags,
    ...authFlags,
    'peer-uuid': nameFlag({description: 'UUID of the new system peer.'}),
    'peer-name': nameFlag({description: 'Name for the new system peer.'}),
    'manager-endpoint': nameFlag({description: 'URI of DC manager of peer System Controller.'}),
    'manager-username': nameFlag({description: 'Administrative username (default admin).'}),
    ...managerPasswordFlags('Admin user password for authenticating into the DC manager'),
    'manager-password-prompt': Flags.boolean({
      description: 'ask for the new manager password on the terminal (upstream: --manager-password without a value)',
    }),
    'peer-controller-gateway-address': nameFlag({description: 'Gateway address of peer site controller node.'}),
    'administrative-state': Flags.string({
      description: 'Administrative control of peer state (default enabled).',
      options: ['enabled', 'disabled'],
    }),
    'heartbeat-interval': Flags.integer({
      description: 'Interval between heartbeat messages (in seconds) (default 60).',
    }),
    'heartbeat-failure-threshold': Flags.integer({
      description: 'Consecutive heartbeat failures before failure declared (default 3).',
    }),
    'heartbeat-failure-policy': Flags.string({
      description: 'Action to take with failure detection (default alarm).',
      options: ['alarm', 'rehome', 'delegate'],
    }),
    'heartbeat-maintenance-timeout': Flags.integer({
      description: 'Overall failure timeout during maintenance state (in seconds) (default 600).',
    }),
  }

  async run() {
    const f = this.flags
    const wantsPassword = Boolean(f['manager-password'] || f['manager-password-stdin'] || f['manager-password-prompt'])
    // Upstream's key order, the password after the username; options not given are not sent.
    const fields = (password?: string): SystemPeerRequest =>
      withoutUndefined({
        peer_uuid: f['peer-uuid'],
        peer_name: f['peer-name'],
        manager_endpoint: f['manager-endpoint'],
        manager_username: f['manager-username'],
        manager_password: password,
        peer_controller_gateway_address: f['peer-controller-gateway-address'],
        administrative_state: f['administrative-state'],
        heartbeat_interval: f['heartbeat-interval'],
        heartbeat_failure_threshold: f['heartbeat-failure-threshold'],
        heartbeat_failure_policy: f['heartbeat-failure-policy'],
        heartbeat_maintenance_timeout: f['heartbeat-maintenance-timeout'],
      })
    if (Object.keys(fields()).length === 0 && !wantsPassword) throw new UsageError('Nothing to update')
    checkSystemPeerRequest(fields())
    const password = wantsPassword ? base64Password(await resolveManagerPassword(f, 'update')) : undefined
    const client = await dcmanagerFromFlags(this.flags, this.debugLine)
    const peer = await client.systemPeers.update(this.args.peer, fields(password))
    // Upstream drops this note; dcm shows it on stderr, leaving stdout as upstream prints it.
    if (peer.info_message) process.stderr.write(`${peer.info_message.replace(/\n?$/, '\n')}`)
    return this.printShow(PEER_DETAIL, peerDetail(peer))
  }
}

function withoutUndefined<T extends object>(record: T): T {
  return Object.fromEntries(Object.entries(record).filter(([, value]) => value !== undefined)) as T
}
