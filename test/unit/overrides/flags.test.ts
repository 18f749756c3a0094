import {describe, expect, it} from '@jest/globals'

import {UsageError} from '../../../src/core/errors.js'
import {systemControllersFromFlags} from '../../../src/core/overrides/batch.js'
import {DEFAULT_SYSTEM_CONTROLLERS} from '../../../src/core/overrides/index.js'

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

describe('existing subclouds', () => {
  it('maps dcmanager subcloud JSON (hyphenated keys, stored admin-first values)', async () => {
    const {existingSubcloudFromApi} = await import('../../../src/core/overrides/index.js')
    expect(
      existingSubcloudFromApi({
        id: 1,
        name: 'subcloud1',
        'management-subnet': '192.168.101.0/24',
        'management-start-ip': '192.168.101.2',
        'management-end-ip': '192.168.101.50',
        'management-gateway-ip': '192.168.101.1',
      }),
    ).toEqual({
      name: 'subcloud1',
      management_subnet: '192.168.101.0/24',
      management_start_ip: '192.168.101.2',
      management_end_ip: '192.168.101.50',
    })
  })

  it('derives what dcmanager will store from an override file (admin network first)', async () => {
    const {existingSubcloudFromOverrides, parseOverrideText} = await import('../../../src/core/overrides/index.js')
    const loaded = parseOverrideText(
      'name: s4\nmanagement_subnet: 192.168.104.0/24\nmanagement_start_address: 192.168.104.2\n' +
        'admin_subnet: 192.168.105.0/24,fd00:105::/64\nadmin_start_address: 192.168.105.2,fd00:105::2\n' +
        'admin_end_address: 192.168.105.20,fd00:105::20\nexternal_oam_subnet: 203.0.113.0/24\n',
      's4.yml',
    )
    expect(existingSubcloudFromOverrides(loaded)).toEqual({
      name: 's4',
      management_subnet: '192.168.105.0/24',
      management_start_ip: '192.168.105.2',
      management_end_ip: '192.168.105.20',
      external_oam_subnet: '203.0.113.0/24',
      admin_subnet: '192.168.105.0/24',
    })
  })
})
