/**
 * A System Controller's own bootstrap overrides (`localhost.yml` of the central cloud, issue 2): the role, a mode
 * that may host it, a management range that leaves room for the subclouds' gateway routers, no admin network, and
 * the platform rules every override file shares.
 */
import {lastAddress} from '../net/cidr.js'
import {checkAddressText} from './network-values.js'
import {unknownKeyMessage} from './unknown-keys.js'
import {platformRules} from './platform-rules.js'
import type {RuleContext} from './rule-context.js'

const SUBCLOUD_ONLY = ['name', 'description', 'location', 'systemcontroller_gateway_address', 'bootstrap-address']

export function systemControllerRules(context: RuleContext, knownKeys: ReadonlySet<string>): void {
  const values = context.values
  if (!context.has('distributed_cloud_role'))
    context.report(
      'SC-ROLE',
      'distributed_cloud_role',
      'distributed_cloud_role required: a System Controller sets distributed_cloud_role: systemcontroller',
    )
  else if (values.distributed_cloud_role !== 'systemcontroller' && !context.broken.has('distributed_cloud_role'))
    context.report(
      'SC-ROLE',
      'distributed_cloud_role',
      `distributed_cloud_role is ${String(values.distributed_cloud_role)}: a System Controller needs distributed_cloud_role: systemcontroller`,
    )
  if (context.simplex && !context.broken.has('system_mode'))
    context.report(
      'SC-MODE',
      'system_mode',
      'A simplex All-in-one controller cannot be configured as Distributed Cloud System Controller',
    )
  if (values.virtual_system === true)
    context.report(
      'SC-VIRTUAL',
      'virtual_system',
      'Virtual system setting is not supported for Distributed Cloud System Controller',
    )
  const admin = Object.keys(values).find(
    (key) => key.startsWith('admin_') && key !== 'admin_username' && key !== 'admin_password',
  )
  if (admin)
    context.report(
      'SC-ADMIN',
      admin,
      'Admin network parameters cannot be specified for a system controller host.',
      'error',
      'key',
    )
  if (!context.has('management_start_address') || !context.has('management_end_address'))
    context.report(
      'SC-MGMT-RANGE',
      context.has('management_subnet') ? 'management_subnet' : 'management_start_address',
      'management_start_address and management_end_address are required for System Controller as this configuration requires address space left for gateway address(es).',
    )
  for (const key of SUBCLOUD_ONLY) {
    if (context.has(key))
      context.report(
        'SEM-KEYS-2',
        key,
        `${key} is a subcloud parameter; a System Controller's bootstrap ignores it`,
        'warning',
        'key',
      )
  }
  for (const key of Object.keys(values)) {
    if (SUBCLOUD_ONLY.includes(key) || key.startsWith('admin_')) continue
    const message = unknownKeyMessage(key, knownKeys)
    if (message) context.report('SEM-KEYS-2', key, message, 'warning', 'key')
  }

  const planned = context.plannedNetworks(new Set(['admin']))
  platformRules(context, planned, {skipRangeRules: new Set()})
  gatewayRoom(
    context,
    planned.find((network) => network.spec.prefix === 'management'),
  )
}

/** The management range must leave addresses of the subnet free for the gateway routers towards the subclouds. */
function gatewayRoom(
  context: RuleContext,
  management: ReturnType<RuleContext['plannedNetworks']>[number] | undefined,
): void {
  if (!management) return
  const start = checkAddressText(context.values.management_start_address, management.subnets)
  const end = checkAddressText(context.values.management_end_address, management.subnets)
  if (!start.ok || !end.ok) return
  for (const [index, subnet] of management.subnets.entries()) {
    const firstUsable = subnet.network + 1n
    const lastUsable = subnet.family === 4 ? lastAddress(subnet) - 1n : lastAddress(subnet)
    if (start.value[index].value <= firstUsable && end.value[index].value >= lastUsable) {
      context.report(
        'SC-MGMT-RANGE',
        'management_end_address',
        'Failed validation, management address range too large, no addresses left for System Controller gateway(s)',
      )
      return
    }
  }
}
