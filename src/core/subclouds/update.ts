import {promises as fs} from 'node:fs'

import {base64Password, type FormField} from '../api/multipart.js'
import {UsageError} from '../errors.js'

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

/** Upstream checks before any prompt or request; says which passwords the update needs. */
export async function checkUpdateRequest(request: UpdateRequest, hasPasswordFlags: boolean): Promise<UpdateNeeds> {
  const given = Object.entries(request).filter(([, value]) => value !== undefined && value !== '')
  if (given.length === 0 && !hasPasswordFlags) throw new UsageError('Nothing to update')
  const network = NETWORK_KEYS.filter((key) => request[key] !== undefined)
  // bootstrap_address alone updates the stored rehome data; with any management key, all five are needed.
  const reconfigure = network.some((key) => key !== 'bootstrapAddress')
  if (reconfigure && network.length !== NETWORK_KEYS.length) {
    throw new UsageError(
      'For subcloud network reconfiguration request all the following parameters are necessary: ' +
        '--management-subnet, --management-gateway-ip, --management-start-ip, --management-end-ip and --bootstrap-address',
    )
  }
  if (request.installValues) {
    await mustExist(request.installValues, 'install-values does not exist')
    // Checked offline like on add (exit 2, nothing sent); the release is the subcloud's, unknown here.
    const {requireValidInstallValues} = await import('../overrides/install-values-file.js')
    await requireValidInstallValues(request.installValues, {bootstrapAddress: request.bootstrapAddress})
  }
  if (request.bootstrapValues) await mustExist(request.bootstrapValues, "bootstrap-values doesm't exist")
  return {sysadminPassword: reconfigure, bmcPassword: Boolean(request.installValues)}
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
  const text = (name: string, value: string | undefined) => {
    if (value !== undefined) fields.push({name, value})
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
