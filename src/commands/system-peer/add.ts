import {Flags} from '@oclif/core'

import {authFlags, dcmanagerFromFlags} from '../../cli/auth-flags.js'
import {BaseCommand, EXIT_CODES_HELP} from '../../cli/base-command.js'
import {jsonShape} from '../../cli/json-shape.js'
import {requiredNameFlag} from '../../cli/names.js'
import {showFlags} from '../../cli/output-flags.js'
import {managerPasswordFlags, resolveManagerPassword} from '../../cli/peer-password.js'
import {base64Password} from '../../core/api/multipart.js'
import type {SystemPeerRequest} from '../../core/api/geo-types.js'
import {PEER_DETAIL, peerDetail} from '../../core/geo/columns.js'
import {checkSystemPeerRequest} from '../../core/geo/peer-request.js'

export default class SystemPeerAdd extends BaseCommand<typeof SystemPeerAdd> {
  static summary = 'Add a new system peer.'
  static description = `The peer is the other System Controller of a geo-redundant pair: its system UUID (\`system show\` there, or \`dcm lab status\`), its Keystone URL and the admin user dcmanager logs in as. The fields are checked before sending (exit 2 with the server's words). The manager password comes from --manager-password, --manager-password-stdin, DCM_PEER_MANAGER_PASSWORD or a hidden prompt on a terminal.\n\n${EXIT_CODES_HELP}`
  static examples = [
    '<%= config.bin %> system-peer add --peer-uuid 22e8ce03-2691-4d6d-8960-59b7c7fc731e --peer-name site-b --manager-endpoint https://192.168.204.2:5000/v3 --peer-controller-gateway-address 192.168.204.1 --manager-password-stdin',
  ]
  static jsonShape = jsonShape.object(PEER_DETAIL)
  static flags = {
    ...showFlags,
    ...authFlags,
    'peer-uuid': requiredNameFlag({description: 'UUID of the new system peer.'}),
    'peer-name': requiredNameFlag({description: 'Name for the new system peer.'}),
    'manager-endpoint': requiredNameFlag({description: 'URI of DC manager of peer System Controller.'}),
    'peer-controller-gateway-address': requiredNameFlag({
      description: 'Gateway address of peer site controller node.',
    }),
    'manager-username': Flags.string({description: 'Administrative username (default admin).', default: 'admin'}),
    ...managerPasswordFlags('Admin user password for authenticating into the DC manager.'),
    'administrative-state': Flags.string({
      description: 'Administrative control of peer state (default enabled).',
      options: ['enabled', 'disabled'],
      default: 'enabled',
    }),
    'heartbeat-interval': Flags.integer({
      description: 'Interval between heartbeat messages (in seconds) (default 60).',
      default: 60,
    }),
    'heartbeat-failure-threshold': Flags.integer({
      description: 'Consecutive heartbeat failures before failure declared (default 3).',
      default: 3,
    }),
    'heartbeat-failure-policy': Flags.string({
      description: 'Action to take with failure detection (default alarm).',
      options: ['alarm', 'rehome', 'delegate'],
      default: 'alarm',
    }),
    'heartbeat-maintenance-timeout': Flags.integer({
      description: 'Overall failure timeout during maintenance state (in seconds) (default 600).',
      default: 600,
    }),
  }

  async run() {
    const f = this.flags
    const request: SystemPeerRequest = {
      peer_uuid: f['peer-uuid'],
      peer_name: f['peer-name'],
      manager_endpoint: f['manager-endpoint'],
      manager_username: f['manager-username'],
      // The password follows the username, in upstream's key order; it is asked for after the checks.
      manager_password: undefined,
      peer_controller_gateway_address: f['peer-controller-gateway-address'],
      administrative_state: f['administrative-state'],
      heartbeat_interval: f['heartbeat-interval'],
      heartbeat_failure_threshold: f['heartbeat-failure-threshold'],
      heartbeat_failure_policy: f['heartbeat-failure-policy'],
      heartbeat_maintenance_timeout: f['heartbeat-maintenance-timeout'],
    }
    checkSystemPeerRequest(request)
    request.manager_password = base64Password(await resolveManagerPassword(f, f['manager-username']))
    const client = await dcmanagerFromFlags(this.flags, this.debugLine)
    return this.printShow(PEER_DETAIL, peerDetail(await client.systemPeers.add(request)))
  }
}
