import {describe, expect, it} from '@jest/globals'

import {InterruptedError} from '../../../src/core/errors.js'
import type {CommandResult, Executor} from '../../../src/core/netconfig/executor.js'
import {parseAddresses, parseLinks, parseRoutes, readNetworkState} from '../../../src/core/netconfig/ip-state.js'
import {lldpArgv, parseNeighbours, readNeighbours, waitForNeighbours} from '../../../src/core/netconfig/lldp.js'

// Captured from iproute2 6.1 in a namespace (veth pair; a VLAN-style name would print as eth0.10@eth0 with -o).
const LINKS = `[{"ifindex":1,"ifname":"lo","flags":["LOOPBACK","UP","LOWER_UP"],"mtu":65536,"operstate":"UNKNOWN","link_type":"loopback","address":"00:00:00:00:00:00"},{"ifindex":2,"link":"ex1","ifname":"ey1","flags":["BROADCAST","MULTICAST","M-DOWN"],"operstate":"DOWN","link_type":"ether","address":"2e:59:db:d4:56:17"},{"ifindex":5,"link_index":6,"ifname":"eth0.10","flags":["BROADCAST","MULTICAST","UP","LOWER_UP"],"operstate":"UP","link_type":"ether","address":"4e:f2:d0:e4:76:c7","link_netnsid":0},{"ifindex":7,"ifname":"enp0s9","flags":["BROADCAST","MULTICAST","UP"],"operstate":"DOWN","link_type":"ether","address":"4e:f2:d0:e4:76:c8"}]`
const ADDRESSES = `[{"ifindex":5,"ifname":"eth0.10","addr_info":[{"family":"inet","local":"192.168.101.10","prefixlen":24,"scope":"global","label":"vt"},{"family":"inet6","local":"FD00:0101::10","prefixlen":64,"scope":"global","tentative":true},{"family":"inet6","local":"fe80::4cf2:d0ff:fee4:76c7","prefixlen":64,"scope":"link"}]},{"ifindex":1,"ifname":"lo","addr_info":[]}]`
const ROUTES4 = `[{"dst":"default","gateway":"10.0.0.1","dev":"eth0.10","flags":[]},{"dst":"192.168.101.0/24","dev":"eth0.10","protocol":"kernel","scope":"link","prefsrc":"192.168.101.10","flags":[]},{"dst":"192.168.204.0/24","gateway":"192.168.101.1","dev":"eth0.10","flags":[]},{"dst":"10.9.9.9","dev":"eth0.10","flags":[]},{"type":"unreachable","dst":"10.8.0.0/16","flags":[]}]`
const ROUTES6 = `[{"dst":"fd00:101::/64","dev":"eth0.10","protocol":"kernel","metric":256,"flags":[],"pref":"medium"},{"dst":"fd00:204::/64","gateway":"fd00:101:0::1","dev":"eth0.10","metric":1024,"flags":[],"pref":"medium"}]`

describe('ip -j parsing', () => {
  it('reads links by ifname with admin state, carrier and MAC', () => {
    expect(parseLinks(JSON.parse(LINKS))).toEqual([
      {name: 'lo', up: true, carrier: true, operstate: 'unknown', mac: '00:00:00:00:00:00', loopback: true},
      {name: 'ey1', up: false, carrier: false, operstate: 'down', mac: '2e:59:db:d4:56:17', loopback: false},
      {name: 'eth0.10', up: true, carrier: true, operstate: 'up', mac: '4e:f2:d0:e4:76:c7', loopback: false},
      {name: 'enp0s9', up: true, carrier: false, operstate: 'down', mac: '4e:f2:d0:e4:76:c8', loopback: false},
    ])
  })

  it('reads addresses of both families in compact form', () => {
    expect(parseAddresses(JSON.parse(ADDRESSES))).toEqual([
      {interface: 'eth0.10', family: 4, address: '192.168.101.10', prefix: 24, scope: 'global'},
      {interface: 'eth0.10', family: 6, address: 'fd00:101::10', prefix: 64, scope: 'global'},
      {interface: 'eth0.10', family: 6, address: 'fe80::4cf2:d0ff:fee4:76c7', prefix: 64, scope: 'link'},
    ])
  })

  it('reads unicast routes with canonical destinations (default, host routes) and skips the others', () => {
    expect(parseRoutes(JSON.parse(ROUTES4), 4).map((r) => [r.destination, r.gateway, r.device])).toEqual([
      ['0.0.0.0/0', '10.0.0.1', 'eth0.10'],
      ['192.168.101.0/24', undefined, 'eth0.10'],
      ['192.168.204.0/24', '192.168.101.1', 'eth0.10'],
      ['10.9.9.9/32', undefined, 'eth0.10'],
    ])
    expect(parseRoutes(JSON.parse(ROUTES6), 6)[1]).toMatchObject({destination: 'fd00:204::/64', gateway: 'fd00:101::1'})
  })

  it('reads the whole state through the executor, and names the command that failed', async () => {
    const outputs: Record<string, CommandResult> = {
      'ip -j link show': ok(LINKS),
      'ip -j addr show': ok(ADDRESSES),
      'ip -j -4 route show table main': ok(ROUTES4),
      'ip -j -6 route show table main': ok(''),
    }
    const state = await readNetworkState(scripted((argv) => outputs[argv.join(' ')]))
    expect(state.links).toHaveLength(4)
    expect(state.routes).toHaveLength(4)
    outputs['ip -j addr show'] = {code: 1, stdout: '', stderr: 'Cannot open netlink socket: Permission denied\n'}
    await expect(readNetworkState(scripted((argv) => outputs[argv.join(' ')]))).rejects.toThrow(
      '`ip -j addr show` failed (exit 1): Cannot open netlink socket: Permission denied',
    )
    const noIp = scripted(() => ({code: 127, stdout: '', stderr: 'ip: command not found'}))
    await expect(readNetworkState(noIp)).rejects.toMatchObject({hint: 'install iproute2 (apt-get install iproute2)'})
  })
})

// `lldpcli -f json0 show neighbors` from lldpd 1.0.16 (trimmed), and the same neighbour in plain json.
const JSON0 = `{"lldp":[{"interface":[{"name":"enp0s8","via":"LLDP","chassis":[{"id":[{"type":"mac","value":"8e:00:89:73:08:7e"}],"name":[{"value":"switch1"}]}],"port":[{"id":[{"type":"ifname","value":"Gi1/0/12"}],"descr":[{"value":"uplink"}]}]},{"name":"enp0s3","chassis":[{"id":[{"value":"x"}]}],"port":[{"id":[{"type":"mac","value":"8e:00:89:73:08:7f"}]}]}]}]}`
const JSON_ONE = `{"lldp":{"interface":{"enp0s8":{"via":"LLDP","chassis":{"switch1":{"id":{"type":"mac","value":"8e"}}},"port":{"id":{"type":"ifname","value":"Gi1/0/12"},"descr":"uplink"}}}}}`
const JSON_TWO = `{"lldp":{"interface":[{"enp0s8":{"port":{"id":{"value":"Gi1/0/12"}}}},{"enp0s3":{"port":{"id":{"value":"Gi1/0/13"}}}}]}}`

describe('LLDP neighbours', () => {
  it('asks lldpcli for json0, through the given control socket', () => {
    expect(lldpArgv()).toEqual(['lldpcli', '-f', 'json0', 'show', 'neighbors'])
    expect(lldpArgv('/run/x.sock')).toEqual(['lldpcli', '-u', '/run/x.sock', '-f', 'json0', 'show', 'neighbors'])
  })

  it('parses json0 and both shapes of plain json', () => {
    expect(parseNeighbours(JSON0)).toEqual([
      {interface: 'enp0s8', remotePort: 'Gi1/0/12', remotePortDescription: 'uplink', remoteSystem: 'switch1'},
      {interface: 'enp0s3', remotePort: '8e:00:89:73:08:7f', remotePortDescription: undefined, remoteSystem: undefined},
    ])
    expect(parseNeighbours(JSON_ONE)).toEqual([
      {interface: 'enp0s8', remotePort: 'Gi1/0/12', remotePortDescription: 'uplink', remoteSystem: 'switch1'},
    ])
    expect(parseNeighbours(JSON_TWO).map((n) => [n.interface, n.remotePort])).toEqual([
      ['enp0s8', 'Gi1/0/12'],
      ['enp0s3', 'Gi1/0/13'],
    ])
  })

  it('treats empty or broken documents and entries without a port as no neighbours (upstream crashed on some)', () => {
    expect(parseNeighbours('{"lldp":{}}')).toEqual([])
    expect(parseNeighbours('{"lldp":[{}]}')).toEqual([])
    expect(parseNeighbours('not json')).toEqual([])
    expect(parseNeighbours('{"lldp":[{"interface":[{"name":"enp0s8"}]}]}')).toEqual([])
  })

  it('reports a missing lldpcli or a stopped lldpd as unavailable, with the reason', async () => {
    expect(await readNeighbours(scripted(() => ({code: 127, stdout: '', stderr: ''})))).toEqual({
      available: false,
      reason: 'lldpcli is not installed (apt-get install lldpd)',
    })
    const stopped = scripted(() => ({
      code: 1,
      stdout: '',
      stderr:
        '2026-11-25T09:10:47 [WARN/control] unable to connect to socket /run/lldpd.socket: No such file or directory\n',
    }))
    expect(await readNeighbours(stopped)).toEqual({
      available: false,
      reason: 'lldpd is not reachable: unable to connect to socket /run/lldpd.socket: No such file or directory',
    })
  })

  it('polls until every connected interface has a neighbour, ticking in between', async () => {
    const answers = ['{"lldp":[{}]}', '{"lldp":[{}]}', JSON0]
    const ticks: number[] = []
    const outcome = await waitForNeighbours(
      scripted(() => ok(answers.shift() ?? JSON0)),
      {timeoutMs: 10_000, intervalMs: 5, interfaces: ['enp0s8', 'enp0s3'], onTick: (t) => ticks.push(t.remainingMs)},
    )
    expect(outcome).toMatchObject({available: true, complete: true})
    expect(ticks).toHaveLength(2)
    expect(answers).toEqual([])
  })

  it('gives up at the timeout with what it found, and reads once with a timeout of 0', async () => {
    let polls = 0
    const partial = scripted(() => (polls++, ok(JSON_ONE)))
    const outcome = await waitForNeighbours(partial, {timeoutMs: 60, intervalMs: 10, interfaces: ['enp0s8', 'enp0s3']})
    expect(outcome).toMatchObject({available: true, complete: false})
    expect(polls).toBeGreaterThan(1)
    polls = 0
    await waitForNeighbours(partial, {timeoutMs: 0, interfaces: ['enp0s8', 'enp0s3']})
    expect(polls).toBe(1)
  })

  it('stops waiting on Ctrl-C', async () => {
    const controller = new AbortController()
    const waiting = waitForNeighbours(
      scripted(() => ok('{"lldp":[{}]}')),
      {
        timeoutMs: 60_000,
        intervalMs: 30_000,
        interfaces: ['enp0s8'],
        signal: controller.signal,
        onTick: () => controller.abort(),
      },
    )
    await expect(waiting).rejects.toBeInstanceOf(InterruptedError)
  })
})

function ok(stdout: string): CommandResult {
  return {code: 0, stdout, stderr: ''}
}

function scripted(answer: (argv: string[]) => CommandResult | undefined): Executor {
  return {
    where: 'test',
    run: async (argv) => answer(argv) ?? {code: 1, stdout: '', stderr: `unexpected: ${argv.join(' ')}`},
  }
}
