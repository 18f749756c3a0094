import {describe, expect, it} from '@jest/globals'

import {UsageError} from '../../../src/lib/errors.js'
import {systemControllersFromFlags} from '../../../src/lib/overrides/batch.js'
import {DEFAULT_SYSTEM_CONTROLLERS} from '../../../src/lib/overrides/index.js'

describe('--system-controller-subnet / --system-controller-pool', () => {
  it('defaults to StarlingX 192.168.204.0/24 .2-.50 and fd00:204::/64 ::2-::50', () => {
    expect(systemControllersFromFlags()).toEqual(DEFAULT_SYSTEM_CONTROLLERS)
  })

  it('pairs each pool with the subnet of its family', () => {
    expect(
      systemControllersFromFlags(['10.20.0.0/24', 'fd00:20::/64'], ['fd00:20::2-fd00:20::99', '10.20.0.2-10.20.0.99']),
    ).toEqual([
      {managementSubnet: '10.20.0.0/24', poolStart: '10.20.0.2', poolEnd: '10.20.0.99'},
      {managementSubnet: 'fd00:20::/64', poolStart: 'fd00:20::2', poolEnd: 'fd00:20::99'},
    ])
  })

  it('a pool alone narrows the default subnet of its family', () => {
    expect(systemControllersFromFlags([], ['192.168.204.2-192.168.204.100'])[0]).toEqual({
      managementSubnet: '192.168.204.0/24',
      poolStart: '192.168.204.2',
      poolEnd: '192.168.204.100',
    })
  })

  it.each([
    [['10.20.0.0/24'], [], /needs its address pool/],
    [['10.20.0.0'], [], /not a valid subnet/],
    [['10.20.0.0/24', '10.30.0.0/24'], [], /at most one subnet per IP family/],
    [['10.20.0.0/24'], ['10.30.0.2-10.30.0.9'], /is not inside the System Controller management subnet 10.20.0.0\/24/],
    [[], ['192.168.204.9-192.168.204.2'], /expected START-END/],
    [[], ['192.168.204.2'], /expected START-END/],
  ])('refuses %p %p', (subnets, pools, message) => {
    expect(() => systemControllersFromFlags(subnets, pools)).toThrow(UsageError)
    expect(() => systemControllersFromFlags(subnets, pools)).toThrow(message)
  })
})
