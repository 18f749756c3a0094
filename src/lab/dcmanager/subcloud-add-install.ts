import {parseAddress, parseSubnet} from '../../core/net/cidr.js'
import {asText, bad, decodePassword, present} from './subcloud-add-fields.js'

/**
 * Stage 4.5 of `POST /v1.0/subclouds` (dcmanager-api.md §4.5): the install values, in upstream's order.
 */
export interface InstallContext {
  onSite: boolean
  bmcPassword: string | undefined
  bootstrapAddress: string
  softwareVersion: string
  oamFamily: 4 | 6
}

const MANDATORY_INSTALL_KEYS = [
  'bootstrap_interface',
  'bootstrap_address',
  'bootstrap_address_prefix',
  'install_type',
  'bmc_username',
  'bmc_address',
  'bmc_password',
]

/** §4.5, in order. Returns `data_install` without the BMC password (the lab writes no secrets). */
export function validateInstallValues(values: Record<string, unknown>, context: InstallContext): string {
  if (!context.onSite) decodePassword(context.bmcPassword, 'bmc')
  const install: Record<string, unknown> = {...values}
  if (present(install.software_version) && asText(install.software_version) !== context.softwareVersion) {
    throw bad(
      `The software_version value ${asText(install.software_version)} in the install values yaml file does not match with the specified/current software version of ${context.softwareVersion}. Please correct or remove this parameter from the yaml file and try again.`,
    )
  }
  install.software_version = context.softwareVersion
  if (install.persistent_size !== undefined) {
    if (!Number.isInteger(install.persistent_size)) {
      throw bad('The install value persistent_size (in MB) must be a whole number greater than or equal to 30000')
    }
    if ((install.persistent_size as number) < 30000) {
      throw bad(`persistent_size of ${install.persistent_size} MB is less than 30000`)
    }
  }
  if (install.hw_settle !== undefined) {
    if (!Number.isInteger(install.hw_settle)) {
      throw bad('The install value hw_settle (in seconds) must be a whole number greater than or equal to 0')
    }
    if ((install.hw_settle as number) < 0) throw bad(`hw_settle of ${install.hw_settle} seconds is less than 0`)
  }
  if ('extra_boot_params' in install && !present(install.extra_boot_params)) {
    throw bad('The install value extra_boot_params must not be empty.')
  }
  // The BMC password comes from the form, not the file; upstream copies it in before this check.
  const withPassword: Record<string, unknown> = {...install, bmc_password: context.bmcPassword ?? install.bmc_password}
  if (!present(withPassword.bootstrap_address) && present(context.bootstrapAddress)) {
    withPassword.bootstrap_address = context.bootstrapAddress
    install.bootstrap_address = context.bootstrapAddress
  }
  const mandatory = context.onSite ? ['bootstrap_interface'] : MANDATORY_INSTALL_KEYS
  for (const key of mandatory) {
    if (!present(withPassword[key])) throw bad(`Mandatory install value ${key} not present`)
  }
  const installType = Number(install.install_type)
  if (install.install_type !== undefined && !(Number.isInteger(installType) && installType >= 0 && installType <= 5)) {
    throw bad(`install_type invalid: ${asText(install.install_type)}`)
  }
  if (!present(install.bootstrap_address)) throw bad('bootstrap_address required')
  const addresses: Record<string, {family: 4 | 6; value: bigint}> = {}
  for (const key of ['bootstrap_address', 'bmc_address', 'nexthop_gateway']) {
    if (!present(install[key])) continue
    const parsed = parseAddress(asText(install[key]))
    if (!parsed) throw bad(`${key} invalid: failed to detect a valid IP address from '${asText(install[key])}'`)
    addresses[key] = parsed
  }
  const bootstrapFamily = addresses.bootstrap_address.family
  if (addresses.bmc_address && addresses.bmc_address.family !== bootstrapFamily) {
    throw bad('bmc_address and bootstrap_address must be the same IP version')
  }
  if (addresses.bmc_address && addresses.bmc_address.family !== context.oamFamily) {
    throw bad('bmc_address and primary OAM network must be the same IP version')
  }
  if (addresses.nexthop_gateway && addresses.nexthop_gateway.family !== bootstrapFamily) {
    throw bad('nexthop_gateway and bootstrap_address must be the same IP version')
  }
  if (present(install.network_address)) {
    if (!present(install.nexthop_gateway)) throw bad('nexthop_gateway is required when network_address is present')
    if (!present(install.network_mask)) throw bad('The network mask is required when network address is present')
    const network = parseSubnet(`${asText(install.network_address)}/${asText(install.network_mask)}`)
    if (!network) throw bad(`network address invalid: invalid IPNetwork ${asText(install.network_address)}`)
    if (network.family !== bootstrapFamily) {
      throw bad('network address and bootstrap address must be the same IP version')
    }
  }
  const dad = install['rd.net.timeout.ipv6dad']
  if (dad !== undefined) {
    const seconds = Number(dad)
    if (!Number.isInteger(seconds)) throw bad(`rd.net.timeout.ipv6dad invalid: ${asText(dad)}`)
    if (seconds <= 0) throw bad(`rd.net.timeout.ipv6dad must be greater than 0: ${seconds}`)
  }
  if (install.rvmc_debug_level !== undefined) {
    const level = Number(install.rvmc_debug_level)
    if (!Number.isInteger(level) || level < 0 || level > 4) {
      throw bad('rvmc_debug_level must be an integer between 0 and 4.')
    }
  }
  delete install.bmc_password
  return JSON.stringify(install)
}
