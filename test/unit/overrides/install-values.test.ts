import {describe, expect, it} from '@jest/globals'

import {checkInstallValues, type InstallValuesContext} from '../../../src/core/overrides/install-values.js'

/**
 * Upstream's install-values checks (`InstallValuesValidator`, dcmanager-api.md §4.5), replayed from upstream's own
 * API tests (test_subclouds.py: FAKE_INSTALL_DATA and the invalid values each test sends) plus the classes issue 17
 * lists. The lab answers POST /subclouds with the first failure; the client names the same failure offline.
 */
const FAKE_INSTALL_DATA = {
  bootstrap_interface: 'fake interface',
  bootstrap_address: '10.10.10.12',
  bootstrap_address_prefix: '10.10.10.12',
  bmc_address: '128.224.64.1',
  bmc_username: 'fake bmc user',
  install_type: 2,
}
const BMC_PASSWORD = Buffer.from('bmc-secret').toString('base64')
const context: InstallValuesContext = {bmcPassword: BMC_PASSWORD, softwareVersion: '26.03', oamFamily: 4}

function failureOf(values: Record<string, unknown>, extra: InstallValuesContext = {}): string | undefined {
  const result = checkInstallValues(values, {...context, ...extra})
  return result.ok ? undefined : result.failure.message
}

const withValue = (key: string, value: unknown, base: Record<string, unknown> = FAKE_INSTALL_DATA) => ({
  ...base,
  [key]: value,
})

describe('checkInstallValues: upstream order and texts', () => {
  it('accepts upstream fake data, copying the password and software version in', () => {
    const result = checkInstallValues(FAKE_INSTALL_DATA, context)
    expect(result).toEqual({
      ok: true,
      values: {...FAKE_INSTALL_DATA, bmc_password: BMC_PASSWORD, software_version: '26.03'},
    })
  })

  it('requires the BMC password unless on site, base64 encoded', () => {
    expect(failureOf(FAKE_INSTALL_DATA, {bmcPassword: undefined})).toBe('subcloud bmc_password required')
    // Python's b64decode: bad padding, or bytes that are not UTF-8 (0xff)
    for (const bmcPassword of ['abc', '/w==']) {
      expect(failureOf(FAKE_INSTALL_DATA, {bmcPassword})).toBe(
        'Failed to decode subcloud bmc_password, verify the password is base64 encoded',
      )
    }
    const onSite = {bmcPassword: undefined, onSite: true}
    expect(failureOf({bootstrap_interface: 'eno1'}, onSite)).toBe('bootstrap_address required')
    expect(failureOf({bootstrap_interface: 'eno1'}, {...onSite, bootstrapAddress: '10.10.10.12'})).toBeUndefined()
  })

  it.each(Object.keys(FAKE_INSTALL_DATA))('names a missing mandatory key: %s', (key) => {
    const values: Record<string, unknown> = {...FAKE_INSTALL_DATA}
    delete values[key]
    expect(failureOf(values)).toBe(`Mandatory install value ${key} not present`)
  })

  it('names the stored value when the subcloud has install values (redeploy, update)', () => {
    const values: Record<string, unknown> = {...FAKE_INSTALL_DATA}
    delete values.bmc_username
    expect(failureOf(values, {original: {bmc_username: 'sysadmin'}})).toBe(
      'Mandatory install value bmc_username not present, existing bmc_username in DB: sysadmin',
    )
  })

  it.each([
    [-1, 'install_type invalid: -1'],
    [6, 'install_type invalid: 6'],
    ['3', 'install_type invalid: 3'],
    ['w', 'install_type invalid: w'],
    ['', 'install_type invalid: '],
    [null, 'install_type invalid: None'],
  ])('refuses install_type %p', (value, message) => {
    expect(failureOf(withValue('install_type', value))).toBe(message)
  })

  it.each(['bootstrap_address', 'bmc_address', 'nexthop_gateway'])('parses %s like netaddr', (key) => {
    for (const value of ['128.224.64.256', '128.224.64.wut']) {
      expect(failureOf(withValue(key, value))).toBe(
        `${key} invalid: failed to detect a valid IP address from '${value}'`,
      )
    }
    expect(failureOf(withValue(key, null))).toBe(`${key} invalid: failed to detect a valid IP address from None`)
  })

  it('checks the address families against the bootstrap address and the OAM network', () => {
    expect(failureOf({...FAKE_INSTALL_DATA, bootstrap_address: '192.168.1.2', bmc_address: 'fd01:6::7'})).toBe(
      'bmc_address and bootstrap_address must be the same IP version',
    )
    expect(failureOf({...FAKE_INSTALL_DATA, bootstrap_address: 'fd02:3::4', bmc_address: 'fd01:6::7'})).toBe(
      'bmc_address and primary OAM network must be the same IP version',
    )
    expect(
      failureOf(
        {...FAKE_INSTALL_DATA, bootstrap_address: '192.168.1.2', bmc_address: '192.168.1.7'},
        {externalOamSubnet: 'fd00:10::/64,10.10.10.0/24'},
      ),
    ).toBe('bmc_address and primary OAM network must be the same IP version')
    expect(failureOf({...FAKE_INSTALL_DATA, bootstrap_address: '192.168.1.5', nexthop_gateway: 'fd01:6::7'})).toBe(
      'nexthop_gateway and bootstrap_address must be the same IP version',
    )
  })

  it('checks the route to the network of the install', () => {
    const route = {...FAKE_INSTALL_DATA, nexthop_gateway: '192.168.1.2'}
    expect(failureOf({...FAKE_INSTALL_DATA, network_address: '192.168.101.0'})).toBe(
      'nexthop_gateway is required when network_address is present',
    )
    expect(failureOf({...route, network_address: '192.168.101.0'})).toBe(
      'The network mask is required when network address is present',
    )
    expect(failureOf({...route, network_address: 'fd01:6::0', network_mask: 32})).toBe(
      'network address invalid: IPv6 minimum prefix length is 64',
    )
    for (const mask of [64, -1, 'junk', null]) {
      expect(failureOf({...route, network_address: '192.168.101.10', network_mask: mask})).toBe(
        'network address invalid: Invalid subnet - not a valid IP subnet',
      )
    }
    expect(failureOf({...route, network_address: 'fd01:6::', network_mask: 64})).toBe(
      'network address and bootstrap address must be the same IP version',
    )
    // upstream's own fixture gives the mask as a netmask, which netaddr accepts
    expect(failureOf({...route, network_address: '128.224.144.0', network_mask: '255.255.254.0'})).toBeUndefined()
  })

  it('checks persistent_size, hw_settle and extra_boot_params before the mandatory keys', () => {
    for (const value of ['4000o', '20000', 40000.1, null]) {
      expect(failureOf({persistent_size: value})).toBe(
        'The install value persistent_size (in MB) must be a whole number greater than or equal to 30000',
      )
    }
    expect(failureOf({persistent_size: 20000})).toBe('persistent_size of 20000 MB is less than 30000')
    expect(failureOf({hw_settle: -1})).toBe('hw_settle of -1 seconds is less than 0')
    for (const value of ['', null, 'None']) {
      expect(failureOf({extra_boot_params: value})).toBe('The install value extra_boot_params must not be empty.')
    }
  })

  it('compares the software version in the file with the requested one', () => {
    expect(failureOf(withValue('software_version', '24.09'))).toBe(
      'The software_version value 24.09 in the install values yaml file does not match with the specified/current ' +
        'software version of 26.03. Please correct or remove this parameter from the yaml file and try again.',
    )
  })

  it('takes the image from the vault, or its error text', () => {
    const ok = checkInstallValues(FAKE_INSTALL_DATA, {...context, matchingIso: () => ({image: '/opt/iso/26.03.iso'})})
    expect(ok.ok && ok.values.image).toBe('/opt/iso/26.03.iso')
    expect(failureOf(FAKE_INSTALL_DATA, {matchingIso: () => ({error: 'No ISO for release 26.03'})})).toBe(
      'No ISO for release 26.03',
    )
  })

  it('checks the boot timeouts and the RVMC debug level', () => {
    expect(failureOf(withValue('rd.net.timeout.ipv6dad', 0))).toBe('rd.net.timeout.ipv6dad must be greater than 0: 0')
    expect(failureOf(withValue('rd.net.timeout.ipv6dad', 'x'))).toBe(
      "rd.net.timeout.ipv6dad invalid: invalid literal for int() with base 10: 'x'",
    )
    expect(failureOf(withValue('rvmc_debug_level', 5))).toBe('rvmc_debug_level must be an integer between 0 and 4.')
    expect(failureOf(withValue('rvmc_debug_level', 'high'))).toBe(
      "Invalid value of rvmc_debug_level: invalid literal for int() with base 10: 'high'",
    )
  })

  it('stores IPv6 addresses compressed', () => {
    const result = checkInstallValues(
      {...FAKE_INSTALL_DATA, bootstrap_address: 'fd01:0:0::12', bmc_address: 'fd01:0000::1'},
      {...context, oamFamily: 6},
    )
    expect(result.ok && [result.values.bootstrap_address, result.values.bmc_address]).toEqual(['fd01::12', 'fd01::1'])
  })
})
