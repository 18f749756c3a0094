import {describe, expect, it} from '@jest/globals'

import {UsageError} from '../../../src/core/errors.js'
import {
  findingsError,
  formatFinding,
  overridesFromValues,
  sortFindings,
  validateSubcloudOverrides,
  type Finding,
} from '../../../src/core/overrides/index.js'
import {clearSecrets, registerSecret} from '../../../src/core/secrets.js'
import {simplexIpv4} from './helpers.js'

const finding = (overrides: Partial<Finding>): Finding => ({
  severity: 'error',
  rule: 'SEM-MGMT-6',
  key: 'management_gateway_address',
  message: 'management_gateway_address invalid: Address must be in subnet 192.168.121.0/24',
  file: 'a.yml',
  line: 23,
  column: 29,
  ...overrides,
})

describe('findings helpers', () => {
  it('formats file:line:col and adds the key only when the message does not start with it', () => {
    expect(formatFinding(finding({}))).toBe(
      'a.yml:23:29: management_gateway_address invalid: Address must be in subnet 192.168.121.0/24',
    )
    expect(formatFinding(finding({key: 'calico_mtu', message: 'Must be an integer between 576 and 9216.'}))).toBe(
      'a.yml:23:29: calico_mtu: Must be an integer between 576 and 9216.',
    )
    expect(formatFinding(finding({key: '(file)', message: 'no such file', line: 1, column: 1}))).toBe(
      'a.yml:1:1: no such file',
    )
  })

  it('never lets a registered secret through', () => {
    clearSecrets()
    registerSecret('Hunter-22-secret')
    expect(formatFinding(finding({message: 'x Hunter-22-secret'}))).toBe(
      'a.yml:23:29: management_gateway_address: x ******',
    )
    clearSecrets()
  })

  it('findingsError: undefined with warnings only, else the first error (sorted) and a count hint', () => {
    expect(findingsError([finding({severity: 'warning'})])).toBeUndefined()
    const error = findingsError([finding({line: 30}), finding({line: 3}), finding({severity: 'warning', line: 1})])
    expect(error).toBeInstanceOf(UsageError)
    expect(error?.message).toBe(
      'a.yml:3:29: management_gateway_address invalid: Address must be in subnet 192.168.121.0/24',
    )
    expect(error?.hint).toBe("1 more error: run 'dcm subcloud validate a.yml' to list them all.")
  })

  it('sorts by the given file order, then line and column, errors first', () => {
    const sorted = sortFindings(
      [
        finding({file: 'b.yml', line: 1}),
        finding({severity: 'warning', line: 5}),
        finding({line: 5}),
        finding({line: 2}),
      ],
      ['a.yml', 'b.yml'],
    )
    expect(sorted.map((f) => [f.file, f.line, f.severity])).toEqual([
      ['a.yml', 2, 'error'],
      ['a.yml', 5, 'error'],
      ['a.yml', 5, 'warning'],
      ['b.yml', 1, 'error'],
    ])
  })

  it('overridesFromValues validates merged values with positions in the written-out text', async () => {
    const loaded = overridesFromValues({...simplexIpv4(), management_gateway_address: '192.168.100.1'})
    const findings = await validateSubcloudOverrides(loaded)
    expect(findings.map((f) => [f.file, f.line, f.rule])).toEqual([['bootstrap_values', 7, 'SEM-MGMT-6']])
  })
})
