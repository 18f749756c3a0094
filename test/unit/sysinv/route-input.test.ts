import {describe, expect, it} from '@jest/globals'

import {UsageError} from '../../../src/core/errors.js'
import {parseRouteArguments} from '../../../src/core/sysinv/route-input.js'

const parse = (network: string, rest: (string | undefined)[], metricFlag?: number) =>
  parseRouteArguments({network, rest, metricFlag})

function usageMessage(run: () => unknown): string {
  try {
    run()
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError)
    return (error as Error).message
  }
  throw new Error('expected a UsageError')
}

describe('parseRouteArguments (host-route-add NETWORK PREFIX GATEWAY [METRIC])', () => {
  it('reads the upstream positional form with the default metric 1', () => {
    expect(parse('192.168.204.0', ['24', '192.168.101.1', undefined])).toEqual({
      network: '192.168.204.0',
      prefix: 24,
      gateway: '192.168.101.1',
      metric: 1,
    })
    expect(parse('192.168.204.0', ['24', '192.168.101.1', '5']).metric).toBe(5)
  })

  it('accepts NETWORK/PREFIX GATEWAY [METRIC] and --metric', () => {
    expect(parse('192.168.204.0/24', ['192.168.101.1', undefined, undefined])).toEqual({
      network: '192.168.204.0',
      prefix: 24,
      gateway: '192.168.101.1',
      metric: 1,
    })
    expect(parse('192.168.204.0/24', ['192.168.101.1', '3']).metric).toBe(3)
    expect(parse('192.168.204.0', ['24', '192.168.101.1'], 7).metric).toBe(7)
    expect(parse('192.168.204.0', ['24', '192.168.101.1', '7'], 7).metric).toBe(7)
  })

  it('normalises IPv6 to the compact form sysinv stores', () => {
    expect(parse('FD00:0204:0:0::', ['64', 'FD00:101::1'])).toMatchObject({
      network: 'fd00:204::',
      gateway: 'fd00:101::1',
    })
  })

  it('refuses syntax errors with the sysinv texts before anything is sent', () => {
    expect(usageMessage(() => parse('192.168.204.5', ['24', '192.168.101.1']))).toBe(
      'Invalid IP network 192.168.204.5/24 expecting 192.168.204.0/24',
    )
    expect(usageMessage(() => parse('192.168.204.0', ['24', '192.168.204.1']))).toBe(
      'Gateway address must not be within destination subnet',
    )
    expect(usageMessage(() => parse('192.168.204.0', ['24', 'fd00::1']))).toBe(
      'Network and gateway IP versions must match',
    )
    expect(usageMessage(() => parse('192.168.204.0/33', ['192.168.101.1']))).toBe('Invalid IP address and prefix')
  })

  it('refuses values that are not addresses or integers', () => {
    expect(usageMessage(() => parse('192.168.204', ['24', '192.168.101.1']))).toBe(
      'Expected an IPv4 or IPv6 address but received 192.168.204.',
    )
    expect(usageMessage(() => parse('192.168.204.0', ['24', 'gw']))).toBe(
      'Expected an IPv4 or IPv6 address but received gw.',
    )
    expect(usageMessage(() => parse('192.168.204.0', ['x24', '192.168.101.1']))).toBe(
      "Invalid prefix x24: invalid literal for int() with base 10: 'x24'",
    )
    expect(usageMessage(() => parse('192.168.204.0', ['24', '192.168.101.1', 'low']))).toBe(
      "Invalid metric low: invalid literal for int() with base 10: 'low'",
    )
  })

  it('names a missing or extra argument and a contradictory metric', () => {
    expect(usageMessage(() => parse('192.168.204.0', ['24']))).toBe('missing argument GATEWAY')
    expect(usageMessage(() => parse('192.168.204.0', []))).toBe('missing argument PREFIX')
    expect(usageMessage(() => parse('192.168.204.0/', ['192.168.101.1']))).toBe('missing argument PREFIX')
    expect(usageMessage(() => parse('192.168.204.0/24', ['192.168.101.1', '1', '2']))).toBe('unexpected argument: 2')
    expect(usageMessage(() => parse('192.168.204.0', ['24', '192.168.101.1', '2'], 3))).toBe(
      'metric given twice with different values: 2 and --metric 3',
    )
  })
})
