import {describe, expect, it} from '@jest/globals'
import fc from 'fast-check'

import {
  MESSAGES,
  type ManagementAddress,
  checkGateway,
  checkInterface,
  checkManagementAddress,
  checkSystemControllerSubnet,
  defaultGateway,
} from '../../../src/core/netconfig/validators.js'

/** Upstream's cases (test_config_management*.py) with upstream's texts, then dcm's added checks. */
function management(cidr: string): ManagementAddress {
  const checked = checkManagementAddress(cidr)
  if (!checked.ok) throw new Error(`${cidr}: ${checked.message}`)
  return checked.value
}

const message = (checked: {ok: boolean; message?: string}) => (checked.ok ? 'ok' : checked.message)

describe('management address (upstream is_valid_management_address)', () => {
  it.each([
    ['192.168.101.10/24', 'ok'],
    ['fd00:101::10/64', 'ok'],
    ['192.168.101.1/24', 'ok'],
    ['192.168.101.254/24', 'ok'],
    ['192.168.101.0/24', MESSAGES.networkAddress],
    ['192.168.101.255/24', MESSAGES.broadcastAddress],
    ['239.0.0.1/24', MESSAGES.multicast],
    ['ff02::10/64', MESSAGES.multicast],
    ['127.0.0.1/8', MESSAGES.loopback],
    ['::1/64', MESSAGES.loopback],
    // netaddr reads a bare address as a /32 (or /128): the network address.
    ['192.168.101.10', MESSAGES.networkAddress],
    ['192.168.101.10/32', MESSAGES.networkAddress],
    ['fd00::10/128', MESSAGES.networkAddress],
    ['fd00:101::/64', MESSAGES.networkAddress],
    ['nonsense', MESSAGES.invalidCidr],
    ['192.168.101.10/33', MESSAGES.invalidCidr],
    ['192.168.101/24', MESSAGES.invalidCidr],
    ['', MESSAGES.invalidCidr],
    // dcm's additions: upstream accepted these.
    ['169.254.10.10/16', MESSAGES.linkLocal],
    ['fe80::10/64', MESSAGES.linkLocal],
    ['0.0.0.5/24', MESSAGES.unspecified],
  ])('%s -> %s', (cidr, expected) => {
    expect(message(checkManagementAddress(cidr))).toBe(expected)
  })

  it('normalises the address as netaddr prints it and keeps the typed prefix', () => {
    const value = management('FD00:0101:0:0::10/64')
    expect(value.cidr).toBe('fd00:101::10/64')
    expect(value.subnet.text).toBe('fd00:101::/64')
  })

  it('accepts every host address of an IPv4 subnet and refuses its network and broadcast addresses', () => {
    fc.assert(
      fc.property(fc.integer({min: 8, max: 30}), fc.nat(), fc.nat(), (prefix, seed, offset) => {
        const size = 2 ** (32 - prefix)
        const network = (seed % 2 ** prefix) * size
        // Keep out of 0/8, 127/8, 169.254/16 and 224/3, whose own rules come first.
        const base = 0x0b000000 + (network % 0x40000000)
        const aligned = base - (base % size)
        const dotted = (n: number) => [24, 16, 8, 0].map((s) => (n >>> s) & 255).join('.')
        expect(message(checkManagementAddress(`${dotted(aligned)}/${prefix}`))).toBe(MESSAGES.networkAddress)
        expect(message(checkManagementAddress(`${dotted(aligned + size - 1)}/${prefix}`))).toBe(
          MESSAGES.broadcastAddress,
        )
        const host = aligned + 1 + (offset % (size - 2))
        expect(message(checkManagementAddress(`${dotted(host)}/${prefix}`))).toBe('ok')
      }),
    )
  })
})

describe('gateway', () => {
  const v4 = management('192.168.101.10/24')
  const v6 = management('fd00:101::10/64')

  it('defaults to the first address after the network address (upstream network[1])', () => {
    expect(defaultGateway(v4)).toBe('192.168.101.1')
    expect(defaultGateway(v6)).toBe('fd00:101::1')
  })

  it.each([
    ['192.168.101.1', 'ok'],
    ['192.168.101.254', 'ok'],
    ['192.168.101.0', MESSAGES.networkAddress],
    ['192.168.101.255', MESSAGES.broadcastAddress],
    ['224.0.0.1', MESSAGES.multicast],
    ['127.0.0.1', MESSAGES.loopback],
    ['192.168.102.1', MESSAGES.notInSubnet],
    ['fd00:101::1', MESSAGES.notInSubnet],
    ['192.168.101.1/24', MESSAGES.invalidGateway],
    ['gateway', MESSAGES.invalidGateway],
    ['192.168.101.10', MESSAGES.gatewayIsAddress],
  ])('IPv4 %s -> %s', (gateway, expected) => {
    expect(message(checkGateway(gateway, v4))).toBe(expected)
  })

  it.each([
    ['fd00:101::1', 'ok'],
    ['fd00:101::ffff', 'ok'],
    ['fd00:101::', MESSAGES.networkAddress],
    ['fe80::1', MESSAGES.notInSubnet],
    ['192.168.101.1', MESSAGES.notInSubnet],
  ])('IPv6 %s -> %s', (gateway, expected) => {
    expect(message(checkGateway(gateway, v6))).toBe(expected)
  })
})

describe('System Controller subnet (upstream validate_network_str(s, 8) and dcm additions)', () => {
  const v4 = management('192.168.101.10/24')
  it.each([
    ['192.168.204.0/24', 'ok'],
    ['192.168.204.0/29', 'ok'],
    ['fd00:204::/64', 'ok'],
    ['fd00:204::/125', 'ok'],
    ['subnet', MESSAGES.invalidSubnet],
    ['192.168.204.0/30', MESSAGES.subnetTooSmall],
    ['192.168.204.0', MESSAGES.subnetTooSmall],
    ['fd00:204::/126', MESSAGES.subnetTooSmall],
    ['fd00::/48', MESSAGES.ipv6MinimumPrefix],
    ['192.168.204.5/24', 'Invalid IP network 192.168.204.5/24 expecting 192.168.204.0/24'],
    ['224.0.0.0/24', MESSAGES.subnetNotUnicast],
    ['127.0.0.0/8', MESSAGES.subnetNotUnicast],
  ])('%s (no management subnet yet) -> %s', (subnet, expected) => {
    expect(message(checkSystemControllerSubnet(subnet))).toBe(expected)
  })

  it.each([
    ['fd00:204::/64', 'Invalid IP version - must match network version IPv4'],
    ['192.168.101.0/24', MESSAGES.subnetOverlaps],
    ['192.168.0.0/16', MESSAGES.subnetOverlaps],
    ['192.168.204.0/24', 'ok'],
  ])('%s against 192.168.101.0/24 -> %s', (subnet, expected) => {
    expect(message(checkSystemControllerSubnet(subnet, v4))).toBe(expected)
  })
})

describe('interface', () => {
  it('must be one of the listed names, exactly', () => {
    expect(message(checkInterface('enp0s8', ['enp0s3', 'enp0s8']))).toBe('ok')
    expect(message(checkInterface('enp0s', ['enp0s3', 'enp0s8']))).toBe(MESSAGES.invalidInterface)
    expect(message(checkInterface('lo', ['enp0s3']))).toBe(MESSAGES.invalidInterface)
    expect(message(checkInterface('eth0.10@eth0', ['eth0.10']))).toBe(MESSAGES.invalidInterface)
  })

  it('keeps upstream texts byte for byte', () => {
    expect(MESSAGES.invalidCidr).toBe('Invalid CIDR - please enter a valid management IP address in CIDR notation.')
    expect(MESSAGES.invalidGateway).toBe('Invalid address - please enter a valid management gateway IP address')
    expect(MESSAGES.subnetTooSmall).toBe('Subnet too small - must have at least 8 addresses')
  })
})
