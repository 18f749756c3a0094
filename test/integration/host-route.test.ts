import {afterAll, beforeAll, describe, expect, it} from '@jest/globals'

import {newSubcloudRecord, type SubcloudRecord} from '../../src/lab/dcmanager/subcloud-model.js'
import {type CliResult, runDcm} from '../helpers/cli.js'
import {startTestLab, type TestLab} from '../helpers/lab.js'
import {runDcmOnPty} from '../helpers/pty.js'

/**
 * `dcm host-route-*` (the built CLI) against a started `dcm lab` on loopback: success paths with the
 * `system` output, every rejection the CLI can provoke with the exact sysinv texts, and "nothing sent"
 * for input refused client-side.
 */
let lab: TestLab
let subcloud: SubcloudRecord
let env: Record<string, string>

beforeAll(async () => {
  lab = await startTestLab()
  subcloud = newSubcloudRecord({
    id: lab.store.allocateSubcloudId(),
    name: 'subcloud1',
    softwareVersion: '24.09',
    deployStatus: 'complete',
    managementSubnet: '192.168.101.0/24',
    managementStartIp: '192.168.101.2',
    managementEndIp: '192.168.101.50',
    managementGatewayIp: '192.168.101.1',
    systemcontrollerGatewayIp: '192.168.204.101',
    bootstrapAddress: '10.10.10.12',
    oamFloatingAddress: '10.10.10.12',
  })
  lab.store.insertSubcloud(subcloud)
  await lab.store.persist()
  // What `eval "$(dcm lab env --subcloud subcloud1)"` gives: the subcloud's own region.
  env = {...lab.env, OS_REGION_NAME: subcloud.regionName}
})

afterAll(async () => {
  await lab?.stop()
})

const dcm = (args: string[], extraEnv: Record<string, string> = {}): Promise<CliResult> =>
  runDcm(args, {env: {...env, ...extraEnv}})

/** Run CLI invocations two at a time: enough to overlap process start-up on a 2-core machine. */
async function inPairs<T, R>(items: T[], run: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = []
  for (let i = 0; i < items.length; i += 2) results.push(...(await Promise.all(items.slice(i, i + 2).map(run))))
  return results
}

function sysinvRequests(method?: string) {
  return lab.requests.filter((r) => r.path.startsWith('/sysinv/') && (!method || r.method === method))
}

/** The uuid row of a property table. */
function uuidOf(table: string): string {
  const match = /^\| uuid +\| ([0-9a-f-]{36}) \|$/m.exec(table)
  if (!match) throw new Error(`no uuid in:\n${table}`)
  return match[1]
}

describe('dcm host-route-add / list / show / delete against the lab', () => {
  let routeUuid: string

  it("adds the guide route (positional, as system) and prints cgtsclient's Property | Value table", async () => {
    const result = await dcm(['host-route-add', '1', 'enp0s8', '192.168.204.0', '24', '192.168.101.1'])
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    routeUuid = uuidOf(result.stdout)
    const ifaceUuid = lab.store.routesOf('subcloud1')[0].interface_uuid as string
    expect(result.stdout).toBe(
      [
        '+----------------+--------------------------------------+',
        '| Property       | Value                                |',
        '+----------------+--------------------------------------+',
        `| uuid           | ${routeUuid} |`,
        `| interface_uuid | ${ifaceUuid} |`,
        '| ifname         | enp0s8                               |',
        '| forihostid     | 1                                    |',
        '| network        | 192.168.204.0                        |',
        '| prefix         | 24                                   |',
        '| gateway        | 192.168.101.1                        |',
        '| metric         | 1                                    |',
        '+----------------+--------------------------------------+',
        '',
      ].join('\n'),
    )
    // POST then the read-back GET, as cgts-client does.
    expect(
      sysinvRequests()
        .slice(-2)
        .map((r) => r.method),
    ).toEqual(['POST', 'GET'])
    // The route went through the lab store: the audit sees it and the subcloud is reachable.
    lab.audit()
    expect(lab.store.subcloudByName('subcloud1')?.availabilityStatus).toBe('online')
  })

  it('lists the routes of the host by name, left aligned as system prints them', async () => {
    const result = await dcm(['host-route-list', 'controller-0'])
    expect(result.code).toBe(0)
    expect(result.stdout).toBe(
      [
        '+--------------------------------------+--------+---------------+--------+---------------+--------+',
        '| uuid                                 | ifname | network       | prefix | gateway       | metric |',
        '+--------------------------------------+--------+---------------+--------+---------------+--------+',
        `| ${routeUuid} | enp0s8 | 192.168.204.0 | 24     | 192.168.101.1 | 1      |`,
        '+--------------------------------------+--------+---------------+--------+---------------+--------+',
        '',
      ].join('\n'),
    )
  })

  it('keeps numbers numeric in -f json and honours -c', async () => {
    const json = await dcm(['host-route-list', '1', '-f', 'json'])
    expect(JSON.parse(json.stdout)).toEqual([
      {uuid: routeUuid, ifname: 'enp0s8', network: '192.168.204.0', prefix: 24, gateway: '192.168.101.1', metric: 1},
    ])
    const value = await dcm(['host-route-list', '1', '-f', 'value', '-c', 'network', '-c', 'gateway'])
    expect(value.stdout).toBe('192.168.204.0 192.168.101.1\n')
  })

  it('shows one route by uuid', async () => {
    const result = await dcm(['host-route-show', routeUuid, '-f', 'json'])
    expect(result.code).toBe(0)
    expect(JSON.parse(result.stdout)).toMatchObject({uuid: routeUuid, ifname: 'enp0s8', forihostid: 1, metric: 1})
    // As a table, the header parsers written for `system host-route-show` look for.
    const table = await dcm(['host-route-show', routeUuid])
    expect(table.stdout.split('\n')[1]).toBe('| Property       | Value                                |')
  })

  it('--if-not-exists turns "already exists" for the identical route into success', async () => {
    const again = await dcm([
      'host-route-add',
      'controller-0',
      'enp0s8',
      '192.168.204.0/24',
      '192.168.101.1',
      '--if-not-exists',
    ])
    expect(again.code).toBe(0)
    expect(uuidOf(again.stdout)).toBe(routeUuid)
    expect(lab.store.routesOf('subcloud1')).toHaveLength(1)
  })

  it("deletes and prints system's line; with CLI_CONFIRMATIONS=enabled and no terminal it needs --yes (exit 2, nothing sent)", async () => {
    const before = sysinvRequests('DELETE').length
    const refused = await dcm(['host-route-delete', routeUuid], {CLI_CONFIRMATIONS: 'enabled'})
    expect(refused.code).toBe(2)
    expect(refused.stderr).toBe(
      'Error: confirmation required (CLI_CONFIRMATIONS=enabled): no terminal to prompt on\nHint: pass --yes\n',
    )
    expect(sysinvRequests('DELETE')).toHaveLength(before)

    const confirmed = await dcm(['host-route-delete', routeUuid, '--yes'], {CLI_CONFIRMATIONS: 'enabled'})
    expect(confirmed).toMatchObject({code: 0, stdout: `Deleted Route: ${routeUuid}\n`, stderr: ''})
    expect(lab.store.routesOf('subcloud1')).toHaveLength(0)

    const gone = await dcm(['host-route-show', routeUuid])
    expect(gone).toMatchObject({code: 1, stderr: `Error: Route ${routeUuid} could not be found.\n`})
    // As system: without CLI_CONFIRMATIONS=enabled nothing is asked, scripts need no --yes.
    const twice = await dcm(['host-route-delete', routeUuid])
    expect(twice).toMatchObject({code: 1, stderr: `Error: Route ${routeUuid} could not be found.\n`})
  })

  it('with CLI_CONFIRMATIONS=enabled a terminal is asked as system asks: only "yes" deletes', async () => {
    const added = await dcm(['host-route-add', '1', 'enp0s8', '192.168.204.0/24', '192.168.101.1'])
    const uuid = uuidOf(added.stdout)
    const warning =
      'WARNING: This is a high-risk operation that may cause a service interruption or remove critical resources'
    const question = 'Do you want to continue? (yes/No):'
    const confirmEnv = {...env, CLI_CONFIRMATIONS: 'enabled'}
    const kept = await runDcmOnPty(
      ['host-route-delete', uuid],
      [{expect: warning}, {expect: question}, {send: 'y\r'}],
      {env: confirmEnv},
    )
    expect(kept).toMatchObject({code: 1, error: null})
    expect(kept.output).toContain('Error: Operation cancelled by the user.')
    expect(lab.store.routesOf('subcloud1')).toHaveLength(1)
    const deleted = await runDcmOnPty(['host-route-delete', uuid], [{expect: question}, {send: 'yes\r'}], {
      env: confirmEnv,
    })
    expect(deleted).toMatchObject({code: 0, error: null})
    expect(deleted.output).toContain(`Deleted Route: ${uuid}`)
    expect(lab.store.routesOf('subcloud1')).toHaveLength(0)
  })

  it('an empty list prints an empty line, as system does', async () => {
    const result = await dcm(['host-route-list', 'controller-0'])
    expect(result).toMatchObject({code: 0, stdout: '\n', stderr: ''})
  })
})

describe('rejections', () => {
  const clientSide: [string[], string][] = [
    [['192.168.204.5', '24', '192.168.101.1'], 'Invalid IP network 192.168.204.5/24 expecting 192.168.204.0/24'],
    [['192.168.204.0', '33', '192.168.101.1'], 'Invalid IP address and prefix'],
    [['0.0.0.0', '8', '192.168.101.1'], 'Network must not be null when prefix is non zero'],
    [['192.168.204.0', '24', 'fd00:101::1'], 'Network and gateway IP versions must match'],
    [['239.1.1.0', '28', '192.168.101.1'], 'Network address must be a unicast address'],
    [['192.168.204.0', '24', '224.0.0.1'], 'Gateway address must be a unicast address'],
    [['192.168.101.1', '32', '192.168.101.1'], 'Network and gateway IP addresses must be different'],
    [['192.168.204.0', '24', '0.0.0.0'], 'Gateway address must not be null'],
    [['192.168.204.0', '24', '192.168.204.1'], 'Gateway address must not be within destination subnet'],
    [['192.168.204.0', '24', '192.168.101.1', '-1'], 'Route metric must be greater than zero'],
    [['192.168.204', '24', '192.168.101.1'], 'Expected an IPv4 or IPv6 address but received 192.168.204.'],
    [
      ['192.168.204.0', 'twenty', '192.168.101.1'],
      "Invalid prefix twenty: invalid literal for int() with base 10: 'twenty'",
    ],
  ]
  it('client-side checks: exit 2 with the sysinv text, nothing sent (not even to Keystone)', async () => {
    const before = lab.requests.length
    const results = await inPairs(clientSide, ([words]) => dcm(['host-route-add', '1', 'enp0s8', ...words]))
    expect(results.map((r) => [r.code, r.stderr])).toEqual(clientSide.map(([, message]) => [2, `Error: ${message}\n`]))
    expect(lab.requests).toHaveLength(before)
  })

  const serverSide: [string[], string][] = [
    [['controller-9', 'enp0s8', '192.168.204.0', '24', '192.168.101.1'], 'host not found: controller-9'],
    [['7', 'enp0s8', '192.168.204.0', '24', '192.168.101.1'], 'host not found: 7'],
    [['1', 'eth9', '192.168.204.0', '24', '192.168.101.1'], 'Interface not found: host controller-0 interface eth9'],
    [['1', 'lo', '192.168.204.0', '24', '192.168.101.1'], 'The Interface does not have any network assigned to it.'],
    [
      ['1', 'enp0s9', '192.168.204.0', '24', '169.254.202.1'],
      "Routes may not be configured against interfaces with network type 'pxeboot'",
    ],
    [
      ['1', 'enp0s8', '192.168.204.0', '24', '192.168.101.3'],
      'Route gateway 192.168.101.3 cannot be another local interface',
    ],
    [
      ['1', 'enp0s8', '192.168.204.0', '24', '10.9.9.1'],
      'Route gateway 10.9.9.1 is not reachable by any address on this interface',
    ],
  ]
  it('lookups and server-side rules: exit 1 with the sysinv text, nothing stored', async () => {
    const results = await inPairs(serverSide, ([words]) => dcm(['host-route-add', ...words]))
    expect(results.map((r) => [r.code, r.stderr])).toEqual(serverSide.map(([, message]) => [1, `Error: ${message}\n`]))
    expect(lab.store.routesOf('subcloud1')).toHaveLength(0)
  })

  it('duplicate, ECMP limit and unique-key conflicts (409) with the exact texts', async () => {
    const add = (gateway: string, metric = '1') =>
      dcm(['host-route-add', '1', 'enp0s8', '192.168.205.0', '24', gateway, metric])
    for (const gateway of ['192.168.101.1', '192.168.101.4', '192.168.101.5', '192.168.101.6']) {
      expect((await add(gateway)).code).toBe(0)
    }
    const [duplicate, fifth, otherMetric] = await Promise.all([
      add('192.168.101.1'),
      add('192.168.101.7'),
      add('192.168.101.4', '9'),
    ])
    expect(duplicate).toMatchObject({
      code: 1,
      stderr: 'Error: Route 192.168.205.0/24 via 192.168.101.1 already exists on this host.\n',
    })
    expect(fifth).toMatchObject({
      code: 1,
      stderr: 'Error: Maximum number of paths (4) already reached for 192.168.205.0/24 already reached.\n',
    })
    expect(otherMetric).toMatchObject({
      code: 1,
      stderr: 'Error: Route 192.168.205.0/24 via 192.168.101.4 already exists on this host.\n',
    })
    expect(lab.store.routesOf('subcloud1')).toHaveLength(4)
  })

  it('--debug adds the HTTP exchange (status included) without the password or token', async () => {
    const result = await dcm(['host-route-add', '1', 'enp0s8', '192.168.205.0', '24', '192.168.101.1', '--debug'])
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/POST .*\/sysinv\/[0-9a-f]{32}\/v1\/routes/)
    expect(result.stderr).toMatch(/409/)
    expect(result.stderr).not.toContain(lab.password)
  })

  it("on the System Controller (RegionOne, plain `dcm lab env`) it is the System Controller's own sysinv", async () => {
    const result = await runDcm(['host-route-list', 'controller-0', '-f', 'json'], {env: lab.env})
    expect(result).toMatchObject({code: 0, stdout: '[]\n'})
  })

  it("the subcloud's route sent to the System Controller: sysinv's text, and a hint at OS_REGION_NAME", async () => {
    // The README's walkthrough without the switch to the subcloud's shell: plain `dcm lab env`.
    const result = await runDcm(['host-route-add', 'controller-0', 'enp0s8', '192.168.204.0', '24', '192.168.101.1'], {
      env: lab.env,
    })
    expect(result.code).toBe(1)
    expect(result.stderr).toBe(
      'Error: Route gateway 192.168.101.1 is not reachable by any address on this interface\n' +
        "Hint: this went to the sysinv of region RegionOne; a subcloud's route goes to the subcloud's own sysinv: " +
        'set OS_REGION_NAME to its region (source /etc/platform/openrc on the subcloud; with the lab, ' +
        'eval "$(dcm lab env --subcloud NAME)")\n',
    )
  })

  it('no OS_* at all: says no credentials were found (exit 2), not "You must provide a project name"', async () => {
    const result = await runDcm(['host-route-list', 'controller-0'])
    expect(result).toMatchObject({
      code: 2,
      stdout: '',
      stderr:
        'Error: No OpenStack credentials found: no OS_* variables, --os-* flags or --os-cloud\n' +
        'Hint: source /etc/platform/openrc (or `eval "$(dcm lab env)"`), or pass --os-cloud\n',
    })
  })

  it('a subcloud added after the token was cached is found (the catalog is fetched again once)', async () => {
    // A token (and its catalog) in the client's cache from before the new subcloud.
    expect((await dcm(['host-route-list', 'controller-0'])).code).toBe(0)
    const later = newSubcloudRecord({
      id: lab.store.allocateSubcloudId(),
      name: 'subcloud2',
      softwareVersion: '24.09',
      deployStatus: 'complete',
      managementSubnet: '192.168.102.0/24',
      managementStartIp: '192.168.102.2',
      managementEndIp: '192.168.102.50',
      managementGatewayIp: '192.168.102.1',
      systemcontrollerGatewayIp: '192.168.204.101',
      bootstrapAddress: '10.10.10.13',
      oamFloatingAddress: '10.10.10.13',
    })
    lab.store.insertSubcloud(later)
    await lab.store.persist()
    const result = await dcm(['host-route-list', 'controller-0', '-f', 'json'], {OS_REGION_NAME: later.regionName})
    expect(result).toMatchObject({code: 0, stdout: '[]\n'})
  })

  it('a region without sysinv, and a lab that is down, are clear errors', async () => {
    const wrongRegion = await dcm(['host-route-list', '1'], {OS_REGION_NAME: 'NoSuchRegion'})
    expect(wrongRegion.code).toBe(3)
    expect(wrongRegion.stderr).toMatch(
      /^Error: no platform endpoint \(interface internal, region NoSuchRegion\) in the Keystone catalog\n/,
    )
    // The hint is about the region, which is what is wrong, not about --os-interface.
    expect(wrongRegion.stderr).toMatch(
      new RegExp(
        `\nHint: region NoSuchRegion is not one of the catalog's: RegionOne, .*${subcloud.regionName}.*; check OS_REGION_NAME \\(--os-region-name\\)\n$`,
      ),
    )
    const down = await dcm(['host-route-list', '1'], {OS_AUTH_URL: 'http://127.0.0.1:9/v3'})
    expect(down.code).toBe(3)
    expect(down.stderr.split('\n')[0]).toMatch(/^Error: /)
  })
})
