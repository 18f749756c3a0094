import {afterAll, beforeAll, beforeEach, describe, expect, test} from '@jest/globals'

import {NO_ERRORS, type SubcloudRecord} from '../../src/lab/dcmanager/subcloud-model.js'
import {tablesOf} from '../../src/lab/orchestrator/orchestration-tables.js'
import {seedFleet} from '../../src/lab/scenarios/fleet.js'
import {dcmInProcess} from '../helpers/in-process.js'
import {startTestLab, type TestLab, waitFor} from '../helpers/lab.js'
import {errorOf, patchSubcloud} from '../helpers/lab-requests.js'

/**
 * Issue 17 class 4: network reconfiguration, `PATCH /subclouds/{id}` with the management network. Upstream's
 * checks in its order with its texts (test_subclouds.py's TestSubcloudsPatchWithNetworkReconfiguration,
 * dcmanager-api.md §3.5, validate_admin_network_config), then the reconfiguration on the lab: the route to the
 * System Controller moved to the new gateway, the new addresses stored, availability following from the route.
 * One lab for the file; each test works on its own subcloud of a seeded fleet.
 *
 * The System Controller here has an IPv4 management network only, so an IPv6 gateway shows upstream's
 * "pool not found" text.
 */
let lab: TestLab
let names: string[]
beforeAll(async () => {
  lab = await startTestLab({
    failFor: ['edge9'],
    systemController: {
      managementNetworks: [{subnet: '192.168.204.0/24', poolStart: '192.168.204.2', poolEnd: '192.168.204.50'}],
      softwareVersion: '24.09',
      regionOneName: 'RegionOne',
    },
  })
  names = await seedFleet(lab.store, {count: 10, prefix: 'edge'})
  await lab.store.persist()
})
afterAll(async () => {
  await lab.stop()
})

const PASSWORD = Buffer.from('St8rlingX*').toString('base64')
const record = (name: string): SubcloudRecord => lab.store.subcloudByName(name)!

/** upstream's test parameters, moved to a free network (10.99.<n>.0/24). */
function params(n: number): Record<string, string> {
  return {
    sysadmin_password: PASSWORD,
    bootstrap_address: `10.10.${n}.2`,
    management_subnet: `10.99.${n}.0/24`,
    management_start_ip: `10.99.${n}.5`,
    management_end_ip: `10.99.${n}.49`,
    management_gateway_ip: `10.99.${n}.1`,
  }
}

function unmanaged(name: string, change: Partial<SubcloudRecord> = {}): void {
  lab.store.updateSubcloud(record(name).id, {
    managementState: 'unmanaged',
    deployStatus: 'complete',
    backupStatus: null,
    prestageStatus: null,
    ...change,
  })
}

const patch = async (name: string, fields: Record<string, string>) => errorOf(await patchSubcloud(lab, name, fields))

describe("the checks, in upstream's order", () => {
  beforeEach(() => unmanaged('edge1'))

  test.each(['secondary', 'secondary-failed'])('a %s subcloud: 500 before anything else', async (state) => {
    unmanaged('edge1', {deployStatus: state, managementState: 'managed'})
    expect(await patch('edge1', {management_subnet: 'x'})).toEqual({
      status: 500,
      description: `Cannot perform on ${state} state subcloud`,
    })
  })

  test.each([
    [{deployStatus: 'installing'}, "deploy_status is 'installing'"],
    [{deployStatus: 'reconfiguring-network'}, "deploy_status is 'reconfiguring-network'"],
    [{backupStatus: 'backing-up'}, "backup_status is 'backing-up'"],
    [{prestageStatus: 'prestaging'}, "prestage_status is 'prestaging'"],
  ] as Array<[Partial<SubcloudRecord>, string]>)('busy (%j): 409', async (change, what) => {
    unmanaged('edge1', change)
    expect(await patch('edge1', params(1))).toEqual({
      status: 409,
      description: `Subcloud edge1 current ${what}. Please wait until it finishes before running this operation.`,
    })
  })

  const NECESSARY =
    'The following parameters are necessary for subcloud network reconfiguration: --management-subnet, --management-gateway-ip, --management-start-ip, --management-end-ip'

  test.each(['management_subnet', 'management_gateway_ip', 'management_start_ip', 'management_end_ip'])(
    'without %s: 422 naming all four',
    async (key) => {
      const fields = params(1)
      delete fields[key]
      expect(await patch('edge1', fields)).toEqual({status: 422, description: NECESSARY})
    },
  )

  test('a gateway that is no address, or of a family the System Controller has no network of: 400', async () => {
    expect(await patch('edge1', {...params(1), management_gateway_ip: 'gw'})).toEqual({
      status: 400,
      description:
        "subcloud primary management gateway IP's IP family does not exist on system controller managements: Invalid address - not a valid IP address: failed to detect a valid IP address from 'gw'",
    })
    expect(await patch('edge1', {...params(1), management_gateway_ip: 'fd01::1'})).toEqual({
      status: 400,
      description:
        "subcloud primary management gateway IP's IP family does not exist on system controller managements: IPv6 pool not found in pools ['192.168.204.0/24']",
    })
  })

  test('with management-state: 422 (before the managed check)', async () => {
    unmanaged('edge1', {managementState: 'managed'})
    expect(await patch('edge1', {...params(1), 'management-state': 'managed'})).toEqual({
      status: 422,
      description: 'Management state and network reconfiguration must be updated separately',
    })
  })

  test('a managed subcloud: 422', async () => {
    unmanaged('edge1', {managementState: 'managed'})
    expect(await patch('edge1', params(1))).toEqual({
      status: 422,
      description: 'A subcloud must be unmanaged to perform network reconfiguration',
    })
  })

  test('without (or with an empty) bootstrap_address: 422', async () => {
    const fields = params(1)
    delete fields.bootstrap_address
    const expected = {
      status: 422,
      description: 'The bootstrap_address parameter is required for network reconfiguration',
    }
    expect(await patch('edge1', fields)).toEqual(expected)
    expect(await patch('edge1', {...fields, bootstrap_address: ''})).toEqual(expected)
  })

  test('a value the subcloud already has: 422 naming it', async () => {
    expect(await patch('edge1', {...params(1), management_end_ip: record('edge1').managementEndIp})).toEqual({
      status: 422,
      description: 'management_end_ip already in use by the subcloud.',
    })
  })

  test('the sysadmin password: missing, not base64', async () => {
    const fields = params(1)
    delete fields.sysadmin_password
    expect(await patch('edge1', fields)).toEqual({status: 400, description: 'subcloud sysadmin_password required'})
    expect(await patch('edge1', {...fields, sysadmin_password: 'fake'})).toEqual({
      status: 400,
      description: 'Failed to decode subcloud sysadmin_password, verify the password is base64 encoded',
    })
  })

  test.each([
    [{management_subnet: '10.99.1.0/30'}, 'admin_subnet invalid: Subnet too small - must have at least 8 addresses'],
    [{management_start_ip: '10.98.1.5'}, 'admin_start_address invalid: Address must be in subnet 10.99.1.0/24'],
    [{management_start_ip: '10.99.1.60'}, 'admin_start_address greater than admin_end_address'],
    [{management_end_ip: '10.99.1.6'}, 'admin address range must contain at least 3 addresses'],
    [
      {management_gateway_ip: '10.99.1.7'},
      'admin_gateway_address invalid, is within admin pool: 10.99.1.5 - 10.99.1.49',
    ],
  ])('the new network, as validate_admin_network_config says it (%j)', async (change, description) => {
    expect(await patch('edge1', {...params(1), ...change})).toEqual({status: 400, description})
  })

  test("a range overlapping a subcloud's, its own included: 400", async () => {
    const own = record('edge1')
    const [a, b] = own.managementStartIp.split('.').slice(1, 3)
    const overlapping = {
      management_subnet: `10.${a}.0.0/16`,
      management_start_ip: `10.${a}.${b}.3`,
      management_end_ip: `10.${a}.${b}.60`,
      management_gateway_ip: `10.${a}.255.254`,
    }
    expect(await patch('edge1', {...params(1), ...overlapping})).toEqual({
      status: 400,
      description: 'Admin address range overlaps with that of subcloud edge1',
    })
    const [c, d] = record('edge2').managementStartIp.split('.').slice(1, 3)
    const others = {
      management_subnet: `10.${c}.${d}.0/24`,
      management_start_ip: `10.${c}.${d}.30`,
      management_end_ip: `10.${c}.${d}.80`,
      management_gateway_ip: `10.${c}.${d}.254`,
    }
    expect(await patch('edge1', {...params(1), ...others})).toEqual({
      status: 400,
      description: 'Admin address range overlaps with that of subcloud edge2',
    })
  })

  test('a strategy step of the subcloud not yet complete, aborted or failed: 400', async () => {
    const tables = tablesOf(lab.store)
    const step = {
      id: 999,
      subcloudId: record('edge1').id,
      cloud: 'edge1',
      stage: 1,
      state: 'initial',
      details: '',
      startedAt: null,
      finishedAt: null,
      createdAt: '2026-01-01 00:00:00.000000',
      updatedAt: null,
    } as unknown as (typeof tables.steps)[number]
    tables.steps.push(step)
    try {
      expect(await patch('edge1', params(1))).toEqual({
        status: 400,
        description:
          'Reconfiguring subcloud network is not allowed while there is an on-going orchestrated operation in this subcloud. Please try again after the strategy has completed.',
      })
      step.state = 'complete'
      // A finished step does not block: the request passes every check (the group check comes after).
      expect(await patch('edge1', {...params(1), group_id: 'nope'})).toEqual({
        status: 400,
        description: 'Invalid group',
      })
    } finally {
      tables.steps.splice(tables.steps.indexOf(step), 1)
    }
  })

  test('a rename in the same request is committed before the network checks, as upstream', async () => {
    unmanaged('edge8')
    expect(await patch('edge8', {...params(8), name: 'edge8-renamed', sysadmin_password: ''})).toEqual({
      status: 400,
      description: 'subcloud sysadmin_password required',
    })
    expect(lab.store.subcloudByName('edge8-renamed')).toBeDefined()
  })
})

describe('the reconfiguration on the lab', () => {
  const routesOf = async (name: string) => {
    const region = record(name).regionName
    const response = await lab.api(`/sysinv/${region}/v1/routes`)
    const body = (await response.json()) as {routes: Array<{network: string; prefix: number; gateway: string}>}
    return body.routes
  }

  test('accepted: the old values answered, reconfiguring-network, then the new network with the route moved', async () => {
    unmanaged('edge3')
    lab.audit()
    const before = {...record('edge3')}
    expect(before.availabilityStatus).toBe('online')
    // Every (deploy-status, availability) the subcloud goes through, as the store changes.
    const seen: string[] = []
    const watch = () => {
      const now = lab.store.subcloudByName('edge3')
      const entry = now && `${now.deployStatus}/${now.availabilityStatus}`
      if (entry && entry !== seen.at(-1)) seen.push(entry)
    }
    lab.store.on('change', watch)
    const response = await patchSubcloud(lab, 'edge3', {...params(3), description: 'moved to 10.99.3.0/24'})
    expect(response.status).toBe(200)
    const body = (await response.json()) as Record<string, unknown>
    expect(body['management-subnet']).toBe(before.managementSubnet)
    expect(body['deploy-status']).toBe('complete')

    const after = await waitFor(
      () => ({...record('edge3')}),
      (value) => value.deployStatus === 'complete' && value.availabilityStatus === 'online',
      60_000,
    )
    lab.store.off('change', watch)
    // Offline while the network changes (the audit's view of a subcloud being reconfigured), online after.
    const offline = seen.indexOf('reconfiguring-network/offline')
    expect(offline).toBeGreaterThanOrEqual(0)
    expect(seen.slice(offline + 1).every((entry) => ['complete/offline', 'complete/online'].includes(entry))).toBe(true)
    expect(seen.at(-1)).toBe('complete/online')
    expect(after).toMatchObject({
      deployStatus: 'complete',
      errorDescription: NO_ERRORS,
      managementSubnet: '10.99.3.0/24',
      managementStartIp: '10.99.3.5',
      managementEndIp: '10.99.3.49',
      managementGatewayIp: '10.99.3.1',
      managementSubnets: ['10.99.3.0/24'],
      managementRanges: [{start: '10.99.3.5', end: '10.99.3.49'}],
      description: 'moved to 10.99.3.0/24',
      availabilityStatus: 'online',
    })
    expect(await routesOf('edge3')).toEqual([
      expect.objectContaining({network: '192.168.204.0', prefix: 24, gateway: '10.99.3.1'}),
    ])
  })

  test('a subcloud with no route back gets one through the new gateway and comes online', async () => {
    unmanaged('edge5')
    await lab.store.setRoutes('edge5', [])
    lab.audit()
    expect(record('edge5').availabilityStatus).toBe('offline')
    expect((await patchSubcloud(lab, 'edge5', params(5))).status).toBe(200)
    const after = await waitFor(
      () => ({...record('edge5')}),
      (value) => value.deployStatus === 'complete' && value.availabilityStatus === 'online',
      60_000,
    )
    expect(after.managementSubnet).toBe('10.99.5.0/24')
    expect(await routesOf('edge5')).toEqual([
      expect.objectContaining({network: '192.168.204.0', prefix: 24, gateway: '10.99.5.1', ifname: 'enp0s8'}),
    ])
  })

  test('a failing run (lab failure injection): network-reconfiguration-failed, the old network kept', async () => {
    unmanaged('edge9')
    const before = {...record('edge9')}
    expect((await patchSubcloud(lab, 'edge9', params(9))).status).toBe(200)
    const after = await waitFor(
      () => ({...record('edge9')}),
      (value) => value.deployStatus !== 'reconfiguring-network',
      60_000,
    )
    expect(after.deployStatus).toBe('network-reconfiguration-failed')
    expect(after.errorDescription).toContain('edge9')
    expect(after.managementSubnet).toBe(before.managementSubnet)
    expect(after.availabilityStatus).toBe('offline')
  })
})

describe('through the client: dcm subcloud update', () => {
  test('all five network options and the password from the environment: sent, reconfigured', async () => {
    unmanaged('edge6')
    const old = record('edge6').managementSubnet
    const result = await dcmInProcess(
      [
        'subcloud',
        'update',
        'edge6',
        '--management-subnet',
        '10.99.6.0/24',
        '--management-start-ip',
        '10.99.6.5',
        '--management-end-ip',
        '10.99.6.49',
        '--management-gateway-ip',
        '10.99.6.1',
        '--bootstrap-address',
        '10.10.6.2',
        '-c',
        'management_subnet',
        '-f',
        'value',
      ],
      {...lab.env, DCM_SYSADMIN_PASSWORD: 'St8rlingX*'},
    )
    expect(result.stderr).toBe('')
    // The answer is the subcloud before the change, as upstream's.
    expect([result.code, result.stdout.trim()]).toEqual([0, old])
    await waitFor(
      () => record('edge6').deployStatus,
      (status) => status === 'complete',
      60_000,
    )
    expect(record('edge6').managementSubnet).toBe('10.99.6.0/24')
  })

  /** `dcm subcloud update NAME --management-... --bootstrap-address ...`, the password from the environment. */
  const update = (name: string, fields: Record<string, string>) =>
    dcmInProcess(
      [
        'subcloud',
        'update',
        name,
        ...Object.entries(fields)
          .filter(([key]) => key !== 'sysadmin_password')
          .flatMap(([key, value]) => [`--${key.replace(/_/g, '-')}`, value]),
      ],
      {...lab.env, DCM_SYSADMIN_PASSWORD: 'St8rlingX*'},
    )

  test("the server's refusal is one line, exit 1", async () => {
    unmanaged('edge7', {managementState: 'managed'})
    const result = await update('edge7', params(7))
    expect([result.code, result.stderr.trim()]).toEqual([
      1,
      'Error: Unable to update subcloud edge7: A subcloud must be unmanaged to perform network reconfiguration (HTTP 422)',
    ])
  })

  test("a new network the server's rules refuse: exit 2 naming the option, nothing sent (dcm's check)", async () => {
    const before = lab.requests.length
    const result = await update('edge7', {...params(7), management_gateway_ip: '10.99.7.9'})
    expect([result.code, result.stderr.trim()]).toEqual([
      2,
      'Error: --management-gateway-ip invalid, is within management pool: 10.99.7.5 - 10.99.7.49',
    ])
    expect(lab.requests.slice(before)).toEqual([])
  })

  test('part of the network options: refused before sending, as the upstream client', async () => {
    const before = lab.requests.length
    const result = await dcmInProcess(
      ['subcloud', 'update', 'edge7', '--management-subnet', '10.99.7.0/24', '--bootstrap-address', '10.10.7.2'],
      {...lab.env, DCM_SYSADMIN_PASSWORD: 'St8rlingX*'},
    )
    expect([result.code, result.stderr.trim()]).toEqual([
      2,
      'Error: For subcloud network reconfiguration request all the following parameters are necessary: --management-subnet, --management-gateway-ip, --management-start-ip, --management-end-ip and --bootstrap-address',
    ])
    expect(lab.requests.slice(before).filter((r) => r.method === 'PATCH')).toEqual([])
  })
})

test('a password alone is nothing to update, as the upstream client (it never sends one unasked)', async () => {
  const before = lab.requests.length
  const result = await dcmInProcess(['subcloud', 'update', 'edge7', '--description', ''], {
    ...lab.env,
    DCM_SYSADMIN_PASSWORD: 'St8rlingX*',
  })
  expect([result.code, result.stderr.trim()]).toEqual([2, 'Error: Nothing to update'])
  expect(lab.requests.slice(before).filter((r) => r.method === 'PATCH')).toEqual([])
})

test('the fleet is what the tests above assume', () => {
  expect(names).toHaveLength(10)
})

describe('a lab stopped during the run', () => {
  test('leaves network-reconfiguration-failed, as a restarted dcmanager does', async () => {
    // Slow steps, so the stop lands inside the run.
    const slow = await startTestLab({timeScale: 20})
    try {
      const [name] = await seedFleet(slow.store, {count: 1, prefix: 'slow'})
      slow.store.updateSubcloud(slow.store.subcloudByName(name)!.id, {managementState: 'unmanaged'})
      expect((await patchSubcloud(slow, name, params(1))).status).toBe(200)
      expect(slow.store.subcloudByName(name)!.deployStatus).toBe('reconfiguring-network')
    } finally {
      await slow.stop()
    }
    const record = slow.store.subcloudByName('slow1')!
    expect([record.deployStatus, record.errorDescription]).toEqual([
      'network-reconfiguration-failed',
      "Interrupted: the lab's dcmanager stopped while the subcloud was reconfiguring-network",
    ])
  })
})
