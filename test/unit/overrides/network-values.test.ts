import {describe, expect, it} from '@jest/globals'

import {checkAddressText, checkNetworkText, parseSubnetList} from '../../../src/core/overrides/index.js'

const subnets = (text: string) => parseSubnetList(text)!

describe("dcmanager's validate_network_str reasons, in order", () => {
  it.each([
    ['10.0.0.0/24,fd00::/64,10.1.0.0/24', {}, 'Invalid subnet - more than two IP subnets'],
    ['10.0.0.300/24', {}, 'Invalid subnet - not a valid IP subnet'],
    ['10.0.0.0/33', {}, 'Invalid subnet - not a valid IP subnet'],
    ['10.0.0.0/24,10.1.0.0/24', {}, 'Invalid subnet - dual-stack of same IP family'],
    ['10.0.0.0/30', {minimumSize: 8}, 'Subnet too small - must have at least 8 addresses'],
    ['fd00::/48', {ipv6MinimumPrefix: true}, 'IPv6 minimum prefix length is 64'],
    ['10.5.0.0/24', {existingNetworks: subnets('10.0.0.0/8')}, 'Subnet overlaps with another configured subnet'],
  ])('%s %p -> %s', (value, options, reason) => {
    expect(checkNetworkText(value, options)).toEqual({ok: false, reason})
  })

  it('only the network address is tested for overlap (quirk Q4)', () => {
    expect(checkNetworkText('10.0.0.0/8', {existingNetworks: subnets('10.5.0.0/24')}).ok).toBe(true)
  })

  it('keeps the subnet as typed, host bits included (upstream prints it so)', () => {
    const checked = checkNetworkText('192.168.101.5/24,FD00:101::/64')
    expect(checked.ok && checked.value.map((subnet) => [subnet.typed, subnet.text])).toEqual([
      ['192.168.101.5/24', '192.168.101.0/24'],
      ['FD00:101::/64', 'fd00:101::/64'],
    ])
  })
})

describe("dcmanager's validate_address_str reasons, in order", () => {
  const v4 = subnets('192.168.101.5/24')
  it.each([
    ['', v4, 'Invalid address - IP address not specified'],
    ['1.1.1.1,fd00::1,2.2.2.2', v4, 'Invalid address - more than two IP addresses'],
    ['192.168.101', v4, 'Invalid address - not a valid IP address'],
    ['1.1.1.1,2.2.2.2', v4, 'Invalid address - dual-stack of same IP family'],
    ['192.168.101.2,fd00::2', v4, 'Invalid address - Not of same size (single or dual-stack) with subnet'],
    ['fd00::2', v4, 'Invalid IP version - must match network version IPv4'],
    ['192.168.101.255', v4, 'Cannot use broadcast address'],
    ['192.168.102.1', v4, 'Address must be in subnet 192.168.101.5/24'],
  ])('%p -> %s', (value, within, reason) => {
    expect(checkAddressText(value, within)).toEqual({ok: false, reason})
  })

  it('the network address passes upstream (quirk Q2) and fails only when dcm asks', () => {
    expect(checkAddressText('192.168.101.0', v4).ok).toBe(true)
    expect(checkAddressText('192.168.101.0', v4, {rejectNetworkAddress: true})).toEqual({
      ok: false,
      reason: 'Cannot use network address',
    })
  })

  it('IPv6 has no broadcast: the last address is usable', () => {
    expect(checkAddressText('fd00::ffff:ffff:ffff:ffff', subnets('fd00::/64')).ok).toBe(true)
  })
})
