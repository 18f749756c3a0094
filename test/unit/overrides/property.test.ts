import {describe, expect, it} from '@jest/globals'
import fc from 'fast-check'
import {stringify} from 'yaml'

import {UsageError} from '../../../src/core/errors.js'
import {
  parseOverrideText,
  validateSubcloudOverrides,
  validateSystemControllerOverrides,
  type Finding,
} from '../../../src/core/overrides/index.js'
import {simplexIpv4, simplexIpv6, withAdmin} from './helpers.js'

const ipv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((parts) => parts.join('.'))
const ipv6 = fc
  .array(fc.integer({min: 0, max: 0xffff}), {minLength: 8, maxLength: 8})
  .map((parts) => parts.map((part) => part.toString(16)).join(':'))
const address = fc.oneof(ipv4, ipv6, fc.constantFrom('192.168.101.1', '10.10.10.12', 'fd00:101::2', '::', '0.0.0.0'))
const subnet = fc.oneof(
  fc.tuple(ipv4, fc.nat(32)).map(([a, p]) => `${a}/${p}`),
  fc.tuple(ipv6, fc.nat(128)).map(([a, p]) => `${a}/${p}`),
  fc.constantFrom('192.168.101.0/24', '10.10.10.0/24', 'fd00:101::/64', '192.168.101.0/24,fd00:101::/64'),
)
/** Values a careless or hostile file may hold: right-ish network text, wrong types, nesting, odd strings. */
const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  address,
  subnet,
  fc.tuple(address, address).map(([a, b]) => `${a},${b}`),
  fc.string(),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.oneof(address, fc.string(), fc.integer()), {maxLength: 5}),
  fc.dictionary(fc.string({maxLength: 8}), fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null)), {
    maxKeys: 4,
  }),
)
const keys = Object.keys({...withAdmin(simplexIpv4()), ...simplexIpv6()}).concat([
  'dns_servers',
  'docker_registries',
  'pxeboot_subnet',
  'management_floating_address',
  'external_oam_node_0_address',
  'cluster_host_start_address',
  'cluster_pod_end_address',
  'bootstrap-address',
  'apiserver_oidc',
  'apiserver_extra_volumes',
  'region_name',
  'calico_mtu',
  'virtual_system',
  'unknown_key',
])

function wellFormed(findings: Finding[], file: string): void {
  for (const finding of findings) {
    expect(['error', 'warning']).toContain(finding.severity)
    expect(finding.file).toBe(file)
    expect(finding.line).toBeGreaterThanOrEqual(1)
    expect(finding.column).toBeGreaterThanOrEqual(1)
    expect(finding.message.length).toBeGreaterThan(0)
    expect(finding.message).not.toContain('\n')
    expect(finding.rule.length).toBeGreaterThan(0)
  }
}

describe('the validator never throws', () => {
  it('on generated override documents (mutations of a valid file and random keys)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(simplexIpv4, simplexIpv6, () => withAdmin(simplexIpv4())),
        fc.dictionary(fc.constantFrom(...keys), anyValue, {maxKeys: 8}),
        fc.subarray(keys, {maxLength: 4}),
        fc.constantFrom('simplex', 'duplex', 'duplex-direct', 'Simplex', undefined),
        async (base, changes, removed, mode) => {
          const values: Record<string, unknown> = {...base(), ...changes, system_mode: mode}
          for (const key of removed) delete values[key]
          const loaded = parseOverrideText(stringify(values, {version: '1.1'}), 'gen.yml')
          wellFormed(await validateSubcloudOverrides(loaded, {bootstrapAddress: '10.10.10.12'}), 'gen.yml')
          wellFormed(await validateSystemControllerOverrides(loaded), 'gen.yml')
        },
      ),
      {numRuns: 300},
    )
  })

  it('on arbitrary text: it loads, or it is refused with one UsageError line', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({maxLength: 200}),
          fc.string({unit: 'binary', maxLength: 200}),
          fc.constantFrom('a: [', '- x', ': :', '&a *a', '{a: 1}: 2'),
        ),
        async (text) => {
          let loaded
          try {
            loaded = parseOverrideText(text, 'text.yml')
          } catch (error) {
            expect(error).toBeInstanceOf(UsageError)
            expect((error as Error).message.split('\n')).toHaveLength(1)
            return
          }
          wellFormed(await validateSubcloudOverrides(loaded), 'text.yml')
        },
      ),
      {numRuns: 300},
    )
  })
})

describe('generated valid subclouds validate clean', () => {
  it('any simplex IPv4 site with its own management and OAM subnets', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.integer({min: 0, max: 63}),
        fc.nat(255),
        fc.integer({min: 16, max: 29}),
        fc.nat(255),
        async (second, third, prefix, oamThird) => {
          const size = 2 ** (32 - prefix)
          const base = (10 << 24) + (second << 16) + (third << 8)
          const network = base - (base % size)
          const dotted = (value: number) => [24, 16, 8, 0].map((shift) => (value >>> shift) & 255).join('.')
          const values = {
            ...simplexIpv4(),
            management_subnet: `${dotted(network)}/${prefix}`,
            management_gateway_address: dotted(network + 1),
            management_start_address: dotted(network + 2),
            management_end_address: dotted(network + size - 2),
            external_oam_subnet: `100.64.${oamThird}.0/24`,
            external_oam_gateway_address: `100.64.${oamThird}.1`,
            external_oam_floating_address: `100.64.${oamThird}.12`,
          }
          const findings = await validateSubcloudOverrides(parseOverrideText(stringify(values), 'site.yml'))
          expect(findings).toEqual([])
        },
      ),
      {numRuns: 200},
    )
  })
})
