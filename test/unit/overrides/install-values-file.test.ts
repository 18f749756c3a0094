import {describe, expect, it} from '@jest/globals'
import fc from 'fast-check'
import {readdirSync} from 'node:fs'
import path from 'node:path'
import {stringify} from 'yaml'

import {UsageError} from '../../../src/core/errors.js'
import {requireValidInstallValues, validateInstallValuesFile} from '../../../src/core/overrides/install-values-file.js'
import {loadOverrideFile, parseOverrideText} from '../../../src/core/overrides/load.js'
import type {Finding} from '../../../src/core/overrides/types.js'

/**
 * The offline install-values check (schemas/install-values.schema.json + upstream's rules in install-values.ts):
 * the upstream api-ref and spec examples pass, a corpus of bad files fails at the right line with upstream's text
 * where upstream has one, and no input makes it throw.
 */
const EXAMPLES = 'test/fixtures/examples/install'
const BAD = 'test/fixtures/overrides/install-values-bad'

const errorsOf = (findings: Finding[]) => findings.filter((finding) => finding.severity === 'error')
const check = async (file: string, options = {}) =>
  validateInstallValuesFile(loadOverrideFile(file, {field: 'install_values'}), options)

describe('install values: valid examples', () => {
  it.each(readdirSync(EXAMPLES).filter((name) => name.startsWith('valid-')))('%s passes', async (name) => {
    expect(await check(path.join(EXAMPLES, name))).toEqual([])
  })

  it('passes the data_install of the api-ref install sample once the stored keys are taken out', async () => {
    const sample = {
      bootstrap_interface: 'enp2s1',
      bootstrap_address: '10.10.10.12',
      bootstrap_address_prefix: 23,
      bmc_address: '192.168.122.101',
      bmc_username: 'admin',
      install_type: 2,
      console_type: 'tty0',
      rootfs_device: '/dev/sda',
      boot_device: '/dev/sda',
      wait_for_timeout: 3600,
      no_check_certificate: true,
      persistent_size: 30000,
      bmc_password: 'YWRtaW4=',
      software_version: '25.09',
      image: '/opt/dc-vault/software/25.09/25.09.iso',
    }
    const findings = await validateInstallValuesFile(parseOverrideText(stringify(sample), 'sample.yaml'), {
      release: '25.09',
    })
    expect(errorsOf(findings)).toEqual([])
    // The image is the System Controller's to choose: said, not refused.
    expect(findings.map((finding) => finding.rule)).toEqual(['IV-IMAGE'])
  })
})

describe('install values: a corpus of bad files', () => {
  const expected: Record<string, {line: number; key: string; message: string | RegExp}> = {
    'missing-bmc-address.yaml': {
      line: 1,
      key: 'bmc_address',
      message: 'Mandatory install value bmc_address not present',
    },
    'install-type-out-of-range.yaml': {line: 6, key: 'install_type', message: 'install_type invalid: 7'},
    'install-type-text.yaml': {line: 6, key: 'install_type', message: 'install_type invalid: two'},
    'bmc-address-with-scheme.yaml': {
      line: 4,
      key: 'bmc_address',
      message: "bmc_address invalid: failed to detect a valid IP address from 'https://192.168.122.101'",
    },
    'bmc-ipv6-bootstrap-ipv4.yaml': {
      line: 4,
      key: 'bmc_address',
      message: 'bmc_address and bootstrap_address must be the same IP version',
    },
    'persistent-size-small.yaml': {
      line: 7,
      key: 'persistent_size',
      message: 'persistent_size of 20000 MB is less than 30000',
    },
    'hw-settle-negative.yaml': {line: 7, key: 'hw_settle', message: 'hw_settle of -1 seconds is less than 0'},
    'extra-boot-params-empty.yaml': {
      line: 7,
      key: 'extra_boot_params',
      message: 'The install value extra_boot_params must not be empty.',
    },
    'network-without-gateway.yaml': {
      line: 7,
      key: 'network_address',
      message: 'nexthop_gateway is required when network_address is present',
    },
    'network-without-mask.yaml': {
      line: 1,
      key: 'network_mask',
      message: 'The network mask is required when network address is present',
    },
    'gateway-other-family.yaml': {
      line: 7,
      key: 'nexthop_gateway',
      message: 'nexthop_gateway and bootstrap_address must be the same IP version',
    },
    'vlan-out-of-range.yaml': {line: 7, key: 'bootstrap_vlan', message: 'bootstrap_vlan must be <= 4094, not 5000'},
    'rvmc-debug-level.yaml': {
      line: 7,
      key: 'rvmc_debug_level',
      message: 'rvmc_debug_level must be an integer between 0 and 4.',
    },
    'ipv6dad-zero.yaml': {
      line: 7,
      key: 'rd.net.timeout.ipv6dad',
      message: 'rd.net.timeout.ipv6dad must be greater than 0: 0',
    },
    'wipe-osds-text.yaml': {line: 7, key: 'wipe_osds', message: "wipe_osds must be a boolean, not the text 'maybe'"},
    'software-version-mismatch.yaml': {
      line: 7,
      key: 'software_version',
      message: /^The software_version value 24\.09 /,
    },
  }

  it('covers every file of the corpus', () => {
    expect(readdirSync(BAD).sort()).toEqual(Object.keys(expected).sort())
  })

  it.each(Object.entries(expected))('%s', async (name, want) => {
    const errors = errorsOf(await check(path.join(BAD, name), {release: '25.09'}))
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatchObject({file: path.join(BAD, name), line: want.line, key: want.key})
    expect(errors[0].message).toMatch(want.message)
  })

  it('throws the first error as a one-line usage error before a send (exit 2)', async () => {
    const file = path.join(BAD, 'bmc-ipv6-bootstrap-ipv4.yaml')
    const error = await requireValidInstallValues(file).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(UsageError)
    expect((error as Error).message).toBe(`${file}:4:14: bmc_address and bootstrap_address must be the same IP version`)
  })

  it('checks the BMC address family against the OAM subnet of the bootstrap values', async () => {
    const values = parseOverrideText(
      'bootstrap_interface: eno1\nbootstrap_address: 10.10.10.12\nbootstrap_address_prefix: 24\nbmc_address: 10.0.0.5\nbmc_username: root\ninstall_type: 0\n',
      'iv.yaml',
    )
    expect(errorsOf(await validateInstallValuesFile(values, {externalOamSubnet: '10.10.10.0/24'}))).toEqual([])
    expect(errorsOf(await validateInstallValuesFile(values, {externalOamSubnet: 'fd00:10::/64'}))[0]).toMatchObject({
      line: 4,
      message: 'bmc_address and primary OAM network must be the same IP version',
    })
  })

  it('asks only for bootstrap_interface when enrolling on site', async () => {
    const values = parseOverrideText('bootstrap_interface: eno1\n', 'iv.yaml')
    expect(errorsOf(await validateInstallValuesFile(values, {onSite: true, bootstrapAddress: '10.0.0.2'}))).toEqual([])
  })
})

describe('install values: never throws', () => {
  const keys = [
    'bootstrap_interface',
    'bootstrap_address',
    'bootstrap_address_prefix',
    'bmc_address',
    'bmc_username',
    'install_type',
    'nexthop_gateway',
    'network_address',
    'network_mask',
    'persistent_size',
    'hw_settle',
    'extra_boot_params',
    'rd.net.timeout.ipv6dad',
    'rvmc_debug_level',
    'software_version',
    'bootstrap_vlan',
    'wipe_osds',
    'image',
    'other',
  ]
  const value: fc.Arbitrary<unknown> = fc.oneof(
    fc.string(),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
    fc.constantFrom('10.10.10.12', 'fd01::1', '255.255.255.0', '24', ' 7 ', '1e3', 'None'),
    fc.array(fc.oneof(fc.string(), fc.integer()), {maxLength: 3}),
    fc.dictionary(fc.string({maxLength: 5}), fc.oneof(fc.string(), fc.integer()), {maxKeys: 3}),
  )
  it('returns findings for any mapping of known and unknown keys', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(fc.oneof(fc.constantFrom(...keys), fc.string({maxLength: 10})), value, {maxKeys: 12}),
        fc.record({release: fc.option(fc.string({maxLength: 6}), {nil: undefined}), onSite: fc.boolean()}),
        async (values, options) => {
          const loaded = parseOverrideText(stringify(values, {version: '1.1'}), 'fuzz.yaml', {field: 'install_values'})
          const findings = await validateInstallValuesFile(loaded, options)
          for (const finding of findings) {
            expect(finding.line).toBeGreaterThanOrEqual(1)
            expect(typeof finding.message).toBe('string')
          }
        },
      ),
      {numRuns: 300},
    )
  })

  it('refuses any text that is not a YAML mapping with a UsageError, never another error', () => {
    fc.assert(
      fc.property(fc.string({maxLength: 60}), (text) => {
        try {
          parseOverrideText(text, 'fuzz.yaml', {field: 'install_values'})
        } catch (error) {
          expect(error).toBeInstanceOf(UsageError)
        }
      }),
      {numRuns: 300},
    )
  })
})
