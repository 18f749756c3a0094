import {promises as fs} from 'node:fs'

import {base64Password, type FormField} from '../api/multipart.js'
import {UsageError} from '../errors.js'
import {checkAdminNetworkConfig} from '../overrides/admin-network.js'

/**
 * The PATCH /subclouds/{ref} forms (dcmanager-api.md §2.1.2): manage, unmanage and update, with the
 * upstream client's checks and messages (§5.4).
 */
export function manageForm(force?: boolean): FormField[] {
  const fields: FormField[] = [{name: 'management-state', value: 'managed'}]
  if (force) fields.push({name: 'force', value: 'true'})
  return fields
}

export function unmanageForm(migrate?: boolean): FormField[] {
  const fields: FormField[] = [{name: 'management-state', value: 'unmanaged'}]
  if (migrate) fields.push({name: 'migrate', value: 'true'})
  return fields
}

export interface UpdateRequest {
  name?: string
  description?: string
  location?: string
  group?: string
  managementSubnet?: string
  managementGatewayIp?: string
  managementStartIp?: string
  managementEndIp?: string
  bootstrapAddress?: string
  installValues?: string
  bootstrapValues?: string
  peerGroup?: string
}

const NETWORK_KEYS = [
  'managementSubnet',
  'managementGatewayIp',
  'managementStartIp',
  'managementEndIp',
  'bootstrapAddress',
] as const

export interface UpdateNeeds {
  /** Network reconfiguration: the sysadmin password is required. */
  sysadminPassword: boolean
  /** New install values: the BMC password is required. */
  bmcPassword: boolean
}

/**
 * Upstream's checks before any prompt or request; says which passwords the update needs. As the upstream
 * client, an empty option counts as not given, and a password is sent only with what needs it (the sysadmin
 * password with a network reconfiguration, the BMC password with install values): a password alone is
 * "Nothing to update".
 */
export async function checkUpdateRequest(request: UpdateRequest): Promise<UpdateNeeds> {
  const given = (key: keyof UpdateRequest) => Boolean(request[key])
  if (!(Object.keys(request) as Array<keyof UpdateRequest>).some(given)) throw new UsageError('Nothing to update')
  const network = NETWORK_KEYS.filter(given)
  // bootstrap_address alone updates the stored rehome data; with any management key, all five are needed.
  const reconfigure = network.length === NETWORK_KEYS.length
  if (!reconfigure && network.some((key) => key !== 'bootstrapAddress')) {
    throw new UsageError(
      'For subcloud network reconfiguration request all the following parameters are necessary: ' +
        '--management-subnet, --management-gateway-ip, --management-start-ip, --management-end-ip and --bootstrap-address',
    )
  }
  if (reconfigure) checkNewNetwork(request)
  if (request.installValues) await mustExist(request.installValues, 'install-values does not exist')
  if (request.bootstrapValues) await mustExist(request.bootstrapValues, "bootstrap-values doesm't exist")
  return {sysadminPassword: reconfigure, bmcPassword: Boolean(request.installValues)}
}

/** The server's own words for the management options (it validates them as an "admin" network). */
const FLAG_WORDS: Array<[string, string]> = [
  ['admin_subnet', '--management-subnet'],
  ['admin_start_address', '--management-start-ip'],
  ['admin_end_address', '--management-end-ip'],
  ['admin_gateway_address', '--management-gateway-ip'],
  ['admin address range', 'management address range'],
  ['admin pool', 'management pool'],
]

/**
 * dcm's check before sending (docs/extensions.md "validation before sending"): the new network passes the
 * server's `validate_admin_network_config` rules (core/overrides/admin-network.ts, the lab's implementation too),
 * said with the option names. What needs the System Controller (overlaps with other subclouds, the gateway's
 * family on its networks) stays the server's.
 */
function checkNewNetwork(request: UpdateRequest): void {
  const checked = checkAdminNetworkConfig({
    subnet: request.managementSubnet,
    start: request.managementStartIp,
    end: request.managementEndIp,
    gateway: request.managementGatewayIp,
  })
  if (checked.ok) return
  throw new UsageError(FLAG_WORDS.reduce((text, [word, flag]) => text.split(word).join(flag), checked.message))
}

async function mustExist(file: string, message: string): Promise<void> {
  const ok = await fs.stat(file).then(
    (stat) => stat.isFile(),
    () => false,
  )
  if (!ok) throw new UsageError(`${message}: ${file}`)
}

export async function buildUpdateForm(
  request: UpdateRequest,
  secrets: {sysadminPassword?: string; bmcPassword?: string},
): Promise<FormField[]> {
  const fields: FormField[] = []
  if (request.installValues)
    fields.push({
      name: 'install_values',
      filename: request.installValues,
      value: await fs.readFile(request.installValues),
    })
  if (request.bootstrapValues)
    fields.push({
      name: 'bootstrap_values',
      filename: request.bootstrapValues,
      value: await fs.readFile(request.bootstrapValues),
    })
  // Only what the operator gave a value for, as the upstream client (`if parsed_args.description:`).
  const text = (name: string, value: string | undefined) => {
    if (value) fields.push({name, value})
  }
  text('name', request.name)
  text('description', request.description)
  text('location', request.location)
  text('group_id', request.group)
  text('management_subnet', request.managementSubnet)
  text('management_gateway_ip', request.managementGatewayIp)
  text('management_start_ip', request.managementStartIp)
  text('management_end_ip', request.managementEndIp)
  text('bootstrap_address', request.bootstrapAddress)
  text('peer_group', request.peerGroup)
  if (secrets.sysadminPassword !== undefined) text('sysadmin_password', base64Password(secrets.sysadminPassword))
  if (secrets.bmcPassword !== undefined) text('bmc_password', base64Password(secrets.bmcPassword))
  return fields
}
