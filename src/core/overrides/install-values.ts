/**
 * dcmanager's install-values checks (`InstallValuesValidator` in upstream's phased_subcloud_deploy.py,
 * test/fixtures/spec/dcmanager-api.md §4.5), in upstream's order and with its exact texts. One implementation serves
 * both sides: the lab answers `POST /subclouds` (and every other call that takes install values) with the first
 * failure, and the client's offline validation names the same failure at the file's line and column before anything
 * is sent.
 *
 * Upstream reads the file with `yaml.safe_load` and compares Python values, so the checks below follow Python's
 * semantics where they show through: a key that is present with a null value counts as present, `True` is an int,
 * `%s` prints None as `None`, and `int()` accepts `" 7 "` but not `"7.5"`.
 */
import {parseAddress, type Family} from '../net/cidr.js'
import {checkNetworkText} from './network-values.js'

/** The keys upstream requires (`dccommon/consts.py` MANDATORY_INSTALL_VALUES = base keys + BMC keys). */
export const MANDATORY_INSTALL_VALUES = [
  'bootstrap_interface',
  'bootstrap_address',
  'bootstrap_address_prefix',
  'install_type',
  'bmc_username',
  'bmc_address',
  'bmc_password',
] as const

/** Enrolment on site (`on_site=true`) needs only the interface. */
export const MANDATORY_INSTALL_VALUES_FOR_ENROLL = ['bootstrap_interface'] as const

/** `SUPPORTED_INSTALL_TYPES = 6`: install_type must be one of 0..5. */
export const SUPPORTED_INSTALL_TYPES = 6

/** `DEFAULT_PERSISTENT_SIZE`, in MB. */
export const MINIMUM_PERSISTENT_SIZE = 30000

/** The address keys upstream parses and compresses (`INSTALL_VALUES_ADDRESSES`). */
export const INSTALL_VALUES_ADDRESSES = ['bootstrap_address', 'bmc_address', 'nexthop_gateway', 'network_address']

export interface InstallValuesContext {
  /** The `bmc_password` form field as sent (base64). Upstream copies it into the values before the key checks. */
  bmcPassword?: string
  /** `on_site=true` (enrolment without a BMC): no BMC password, only `bootstrap_interface` mandatory, no image. */
  onSite?: boolean
  /** The requested release, or the subcloud's current one. */
  softwareVersion?: string
  /** The `bootstrap-address` form field, used when the file has none (after the mandatory-key check). */
  bootstrapAddress?: string
  /** The install values stored for the subcloud (redeploy, update, install without a file). */
  original?: Record<string, unknown>
  /** The payload's `external_oam_subnet` (first of a dual-stack pair decides), else the subcloud's OAM family. */
  externalOamSubnet?: string
  oamFamily?: Family
  /**
   * The vault's answer for the release's ISO (`utils.get_matching_iso`): the image path, or the vault's error text.
   * Absent: the client does not know the vault, and the image check is skipped.
   */
  matchingIso?: (softwareVersion: string | undefined) => {image: string} | {error: string}
}

/** The key a failure is about (for file:line:col), and upstream's text. */
export interface InstallValuesFailure {
  key: string
  message: string
}

export type InstallValuesResult =
  {ok: true; values: Record<string, unknown>} | {ok: false; failure: InstallValuesFailure}

class Failed extends Error {
  constructor(readonly failure: InstallValuesFailure) {
    super(failure.message)
  }
}

const fail = (key: string, message: string): never => {
  throw new Failed({key, message})
}

/**
 * Run upstream's checks in order and return the first failure, or the values as upstream stores them (the BMC
 * password and software version copied in, the image set when the vault answered, `bootstrap_address` filled from
 * the form or the stored values, addresses compressed). The caller decides whether to keep the password.
 */
export function checkInstallValues(
  input: Record<string, unknown>,
  context: InstallValuesContext = {},
): InstallValuesResult {
  const values: Record<string, unknown> = {...input}
  try {
    checkBmcPassword(values, context)
    const softwareVersion = checkSoftwareVersion(values, context)
    checkWholeNumber(values, 'persistent_size', MINIMUM_PERSISTENT_SIZE, 'MB')
    checkWholeNumber(values, 'hw_settle', 0, 'seconds')
    checkExtraBootParams(values)
    checkMandatoryKeys(values, context)
    checkImageAndInstallType(values, context, softwareVersion)
    checkAddressesAndNetwork(values, context)
    checkOtherFields(values)
    compressAddresses(values)
    return {ok: true, values}
  } catch (error) {
    if (error instanceof Failed) return {ok: false, failure: error.failure}
    throw error
  }
}

function checkBmcPassword(values: Record<string, unknown>, context: InstallValuesContext): void {
  const password = context.bmcPassword
  if (!password && !context.onSite) fail('bmc_password', 'subcloud bmc_password required')
  if (password) {
    if (!isBase64Utf8(password)) {
      fail('bmc_password', 'Failed to decode subcloud bmc_password, verify the password is base64 encoded')
    }
    values.bmc_password = password
  }
}

/** Python's `base64.b64decode(v).decode("utf-8")` succeeds (non-alphabet characters are discarded, as Python does). */
export function isBase64Utf8(value: string): boolean {
  const compacted = value.replace(/[^A-Za-z0-9+/=]/g, '')
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(compacted) || compacted.length % 4 !== 0) return false
  try {
    new TextDecoder('utf-8', {fatal: true}).decode(Buffer.from(compacted, 'base64'))
    return true
  } catch {
    return false
  }
}

function checkSoftwareVersion(values: Record<string, unknown>, context: InstallValuesContext): string | undefined {
  const requested = context.softwareVersion
  if ('software_version' in values) {
    const inFile = pythonStr(values.software_version)
    if (requested && requested !== inFile) {
      fail(
        'software_version',
        `The software_version value ${inFile} in the install values yaml file does not match with the ` +
          `specified/current software version of ${requested}. Please correct or remove this parameter from the ` +
          'yaml file and try again.',
      )
    }
  } else {
    values.software_version = requested ?? null
  }
  return requested
}

function checkWholeNumber(values: Record<string, unknown>, key: string, minimum: number, unit: string): void {
  if (!(key in values)) return
  const value = values[key]
  if (!isPythonInt(value)) {
    fail(key, `The install value ${key} (in ${unit}) must be a whole number greater than or equal to ${minimum}`)
  }
  if (Number(value) < minimum) fail(key, `${key} of ${pythonStr(value)} ${unit} is less than ${minimum}`)
}

function checkExtraBootParams(values: Record<string, unknown>): void {
  if (!('extra_boot_params' in values)) return
  const value = values.extra_boot_params
  if (value === '' || value === null || value === undefined || value === 'None') {
    fail('extra_boot_params', 'The install value extra_boot_params must not be empty.')
  }
}

function checkMandatoryKeys(values: Record<string, unknown>, context: InstallValuesContext): void {
  const mandatory = context.onSite ? MANDATORY_INSTALL_VALUES_FOR_ENROLL : MANDATORY_INSTALL_VALUES
  for (const key of mandatory) {
    if (key in values) continue
    if (context.original && Object.keys(context.original).length > 0) {
      fail(
        key,
        `Mandatory install value ${key} not present, existing ${key} in DB: ${pythonStr(context.original[key])}`,
      )
    }
    fail(key, `Mandatory install value ${key} not present`)
  }
}

function checkImageAndInstallType(
  values: Record<string, unknown>,
  context: InstallValuesContext,
  softwareVersion: string | undefined,
): void {
  if (context.onSite) return
  if (context.matchingIso) {
    const iso = context.matchingIso(softwareVersion)
    if ('error' in iso) fail('image', iso.error)
    else values.image = iso.image
  }
  const installType = values.install_type
  const inRange =
    (typeof installType === 'number' || typeof installType === 'boolean') &&
    Number.isInteger(Number(installType)) &&
    Number(installType) >= 0 &&
    Number(installType) < SUPPORTED_INSTALL_TYPES
  if (!inRange) fail('install_type', `install_type invalid: ${pythonStr(installType)}`)
}

function checkAddressesAndNetwork(values: Record<string, unknown>, context: InstallValuesContext): void {
  if (!('bootstrap_address' in values)) {
    if (context.bootstrapAddress !== undefined) values.bootstrap_address = context.bootstrapAddress
    else if (context.original && 'bootstrap_address' in context.original) {
      values.bootstrap_address = context.original.bootstrap_address
    } else fail('bootstrap_address', 'bootstrap_address required')
  }
  const bootstrap = parseInstallAddress(values, 'bootstrap_address')
  if ('bmc_address' in values) {
    const bmc = parseInstallAddress(values, 'bmc_address')
    if (bmc !== bootstrap) fail('bmc_address', 'bmc_address and bootstrap_address must be the same IP version')
    const oamFamily = context.externalOamSubnet
      ? familyOfSubnet(context.externalOamSubnet.split(',')[0])
      : context.oamFamily
    if (oamFamily && bmc !== oamFamily) {
      fail('bmc_address', 'bmc_address and primary OAM network must be the same IP version')
    }
  }
  if ('nexthop_gateway' in values) {
    const gateway = parseInstallAddress(values, 'nexthop_gateway')
    if (gateway !== bootstrap) {
      fail('nexthop_gateway', 'nexthop_gateway and bootstrap_address must be the same IP version')
    }
  }
  if ('network_address' in values && !('nexthop_gateway' in values)) {
    fail('network_address', 'nexthop_gateway is required when network_address is present')
  }
  if ('nexthop_gateway' in values && 'network_address' in values) {
    if (!('network_mask' in values)) {
      fail('network_mask', 'The network mask is required when network address is present')
    }
    const mask = netmaskPrefix(pythonStr(values.network_mask))
    const network = checkNetworkText(`${pythonStr(values.network_address)}/${mask}`, {
      minimumSize: 1,
      ipv6MinimumPrefix: true,
    })
    if (!network.ok) fail('network_address', `network address invalid: ${network.reason}`)
    else if (network.value[0].family !== bootstrap) {
      fail('network_address', 'network address and bootstrap address must be the same IP version')
    }
  }
}

/** `netaddr.IPAddress(value)`: the family, or upstream's text for a value that is not an address. */
function parseInstallAddress(values: Record<string, unknown>, key: string): Family {
  const value = values[key]
  if (value === null || value === undefined) {
    return fail(key, `${key} invalid: failed to detect a valid IP address from None`)
  }
  // netaddr reads an int as the address's numeric value (a bool is an int): IPv4 when it fits 32 bits.
  if (isPythonInt(value) && Number(value) >= 0) return Number(value) <= 0xffffffff ? 4 : 6
  const parsed = typeof value === 'string' ? parseAddress(value) : undefined
  if (!parsed) return fail(key, `${key} invalid: failed to detect a valid IP address from ${pythonRepr(value)}`)
  return parsed.family
}

/**
 * netaddr takes an IPv4 mask as a prefix length, a netmask (`255.255.254.0`) or a hostmask (`0.0.1.255`); the
 * network rules read prefixes, so a contiguous dotted mask becomes its length. Anything else stays as written.
 */
function netmaskPrefix(mask: string): string {
  const parsed = /^\d+\.\d+\.\d+\.\d+$/.test(mask) ? parseAddress(mask) : undefined
  if (!parsed || parsed.family !== 4) return mask
  const bits = parsed.value.toString(2).padStart(32, '0')
  if (/^1*0*$/.test(bits)) return String(bits.indexOf('0') < 0 ? 32 : bits.indexOf('0'))
  if (/^0*1*$/.test(bits)) return String(bits.indexOf('1') < 0 ? 32 : bits.indexOf('1'))
  return mask
}

function familyOfSubnet(text: string): Family | undefined {
  const checked = checkNetworkText(text)
  return checked.ok ? checked.value[0].family : undefined
}

function checkOtherFields(values: Record<string, unknown>): void {
  if ('rd.net.timeout.ipv6dad' in values) {
    const timeout = pythonInt(values['rd.net.timeout.ipv6dad'])
    if ('error' in timeout) fail('rd.net.timeout.ipv6dad', `rd.net.timeout.ipv6dad invalid: ${timeout.error}`)
    else if (timeout.value <= 0) {
      fail('rd.net.timeout.ipv6dad', `rd.net.timeout.ipv6dad must be greater than 0: ${timeout.value}`)
    }
  }
  if ('rvmc_debug_level' in values) {
    const level = pythonInt(values.rvmc_debug_level)
    if ('error' in level) fail('rvmc_debug_level', `Invalid value of rvmc_debug_level: ${level.error}`)
    else if (level.value < 0 || level.value > 4) {
      fail('rvmc_debug_level', 'rvmc_debug_level must be an integer between 0 and 4.')
    }
  }
}

/** `format_ip_address`: the addresses stored compressed (IPv6 `fd01:0::1` -> `fd01::1`). */
function compressAddresses(values: Record<string, unknown>): void {
  for (const key of INSTALL_VALUES_ADDRESSES) {
    const value = values[key]
    if (typeof value !== 'string') continue
    const parsed = parseAddress(value)
    if (parsed?.family === 6) values[key] = compressIpv6(value)
  }
}

function compressIpv6(text: string): string {
  const parsed = parseAddress(text)
  if (!parsed) return text
  const groups = []
  for (let index = 7; index >= 0; index--) groups.push(Number((parsed.value >> BigInt(index * 16)) & 0xffffn))
  let best = {start: -1, length: 0}
  for (let start = 0; start < 8;) {
    if (groups[start] !== 0) {
      start++
      continue
    }
    let end = start
    while (end < 8 && groups[end] === 0) end++
    if (end - start > best.length && end - start > 1) best = {start, length: end - start}
    start = end
  }
  const hex = groups.map((group) => group.toString(16))
  if (best.start < 0) return hex.join(':')
  return `${hex.slice(0, best.start).join(':')}::${hex.slice(best.start + best.length).join(':')}`
}

/** Python's `isinstance(v, int)` (a bool is an int). */
function isPythonInt(value: unknown): boolean {
  return typeof value === 'boolean' || (typeof value === 'number' && Number.isInteger(value))
}

/** Python's `int(v)`, with ValueError's text for what it refuses. */
function pythonInt(value: unknown): {value: number} | {error: string} {
  if (typeof value === 'boolean') return {value: value ? 1 : 0}
  if (typeof value === 'number')
    return Number.isFinite(value) ? {value: Math.trunc(value)} : {error: 'cannot convert float'}
  const text = pythonStr(value)
  if (/^\s*[+-]?\d+(?:_\d+)*\s*$/.test(text)) return {value: Number(text.replace(/_/g, ''))}
  return {error: `invalid literal for int() with base 10: ${pythonRepr(text)}`}
}

/** Python's `%s` of a YAML-loaded value. */
export function pythonStr(value: unknown): string {
  if (value === null || value === undefined) return 'None'
  if (value === true) return 'True'
  if (value === false) return 'False'
  if (typeof value === 'string') return value
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : pythonFloat(value)
  if (Array.isArray(value)) return `[${value.map(pythonRepr).join(', ')}]`
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).map(
      ([k, v]) => `${pythonRepr(k)}: ${pythonRepr(v)}`,
    )
    return `{${entries.join(', ')}}`
  }
  return String(value)
}

/** Python's `repr()` of a YAML-loaded value (strings quoted the way Python picks). */
export function pythonRepr(value: unknown): string {
  if (typeof value !== 'string') return pythonStr(value)
  const quote = value.includes("'") && !value.includes('"') ? '"' : "'"
  const escaped = value
    .replace(/\\/g, '\\\\')
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r')
    .replace(/\t/g, '\\t')
    .replace(new RegExp(quote, 'g'), `\\${quote}`)
  return `${quote}${escaped}${quote}`
}

function pythonFloat(value: number): string {
  const text = String(value)
  return /[.e]/.test(text) ? text : `${text}.0`
}
