import {describe, expect, it} from '@jest/globals'
import fc from 'fast-check'

import {checkRouteSyntax, parseIntLiteral} from '../../../src/core/sysinv/route-syntax.js'

const route = (network: string, prefix: number, gateway: string, metric = 1) => ({network, prefix, gateway, metric})

describe('checkRouteSyntax (host-routes.md §6.3, sysinv Route.validate_syntax)', () => {
  it('accepts the guide route and default routes of both families', () => {
    expect(checkRouteSyntax(route('192.168.204.0', 24, '192.168.101.1'))).toEqual({ok: true})
    expect(checkRouteSyntax(route('0.0.0.0', 0, '192.168.101.1'))).toEqual({ok: true})
    expect(checkRouteSyntax(route('::', 0, 'fd00:101::1'))).toEqual({ok: true})
    expect(checkRouteSyntax(route('fd00:204::', 64, 'fd00:101::1'))).toEqual({ok: true})
  })

  it.each([
    ['1: prefix beyond the family', route('192.168.204.0', 33, '192.168.101.1'), '1', 'Invalid IP address and prefix'],
    ['1: negative prefix', route('192.168.204.0', -1, '192.168.101.1'), '1', 'Invalid IP address and prefix'],
    ['1: IPv6 prefix 129', route('fd00::', 129, 'fd01::1'), '1', 'Invalid IP address and prefix'],
    [
      '2: host bits set',
      route('192.168.204.5', 24, '192.168.101.1'),
      '2',
      'Invalid IP network 192.168.204.5/24 expecting 192.168.204.0/24',
    ],
    [
      '2: IPv6 host bits',
      route('fd00:204::1', 64, 'fd00:101::1'),
      '2',
      'Invalid IP network fd00:204::1/64 expecting fd00:204::/64',
    ],
    [
      '3: null network, prefix 8',
      route('0.0.0.0', 8, '192.168.101.1'),
      '3',
      'Network must not be null when prefix is non zero',
    ],
    ['4: family mismatch', route('192.168.204.0', 24, 'fd00::1'), '4', 'Network and gateway IP versions must match'],
    ['5: multicast network', route('239.1.1.0', 28, '192.168.101.1'), '5', 'Network address must be a unicast address'],
    [
      '5b: multicast gateway',
      route('192.168.204.0', 24, '224.0.0.1'),
      '5b',
      'Gateway address must be a unicast address',
    ],
    [
      '6: network equals gateway',
      route('0.0.0.0', 0, '0.0.0.0'),
      '6',
      'Network and gateway IP addresses must be different',
    ],
    ['6: /32 to itself', route('10.0.0.1', 32, '10.0.0.1'), '6', 'Network and gateway IP addresses must be different'],
    ['7: null gateway', route('192.168.204.0', 24, '0.0.0.0'), '7', 'Gateway address must not be null'],
    ['7: null IPv6 gateway', route('fd00::', 64, '::'), '7', 'Gateway address must not be null'],
    [
      '7b: gateway inside',
      route('192.168.204.0', 24, '192.168.204.1'),
      '7b',
      'Gateway address must not be within destination subnet',
    ],
    [
      '8: negative metric',
      route('192.168.204.0', 24, '192.168.101.1', -1),
      '8',
      'Route metric must be greater than zero',
    ],
  ])('%s', (_name, input, rule, message) => {
    expect(checkRouteSyntax(input)).toEqual({ok: false, rule, message})
  })

  it('accepts metric 0 despite the message text, and any gateway for prefix 0', () => {
    expect(checkRouteSyntax(route('192.168.204.0', 24, '192.168.101.1', 0)).ok).toBe(true)
    expect(checkRouteSyntax(route('0.0.0.0', 0, '10.0.0.1')).ok).toBe(true)
  })

  it('checks in sysinv order: host bits before family, family before unicast', () => {
    expect(checkRouteSyntax(route('10.0.0.1', 8, 'fd00::1')).rule).toBe('2')
    expect(checkRouteSyntax(route('239.0.0.0', 8, 'fd00::1')).rule).toBe('4')
  })

  it('never throws on generated input, and a verdict always names a rule', () => {
    const address = fc.oneof(fc.ipV4(), fc.ipV6(), fc.string())
    fc.assert(
      fc.property(address, fc.integer({min: -5, max: 140}), address, fc.integer({min: -3, max: 3}), (n, p, g, m) => {
        const verdict = checkRouteSyntax(route(n, p, g, m))
        return verdict.ok ? verdict.rule === undefined : typeof verdict.message === 'string' && !!verdict.rule
      }),
    )
  })
})

describe('parseIntLiteral (Python int())', () => {
  it('accepts what int() accepts and refuses the rest', () => {
    expect(parseIntLiteral('24')).toBe(24)
    expect(parseIntLiteral(' +7 ')).toBe(7)
    expect(parseIntLiteral('-1')).toBe(-1)
    expect(parseIntLiteral('1_0')).toBe(10)
    for (const bad of ['', 'abc', '2.5', '0x10', '1__0', '_1', '24/']) expect(parseIntLiteral(bad)).toBeUndefined()
  })
})
