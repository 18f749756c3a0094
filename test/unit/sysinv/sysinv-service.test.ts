import {beforeEach, describe, expect, it} from '@jest/globals'
import fc from 'fast-check'

import type {LabResponse, LabService} from '../../../src/lab/http/http-types.js'
import {DEFAULT_SYSTEM_CONTROLLER} from '../../../src/lab/lab-config.js'
import {inventoryOf} from '../../../src/lab/sysinv/sysinv-inventory.js'
import {systemControllerRecord} from '../../../src/lab/sysinv/sysinv-system-controller.js'
import {createSysinvService} from '../../../src/lab/sysinv/sysinv-service.js'
import {MemorySysinvStore, SUBCLOUD1, SUBCLOUD6} from './memory-sysinv-store.js'

const TOKEN = {id: 't', userName: 'admin', projectName: 'admin', expiresAt: '2099-01-01T00:00:00.000000Z'}
const REGION = SUBCLOUD1.regionName
const inventory = inventoryOf(SUBCLOUD1)
const ifaceUuid = (name: string) => inventory.interfaces.find((i) => i.ifname === name)!.uuid
const MGMT = ifaceUuid('enp0s8')

let store: MemorySysinvStore
let service: LabService

async function call(method: string, path: string, body?: unknown, token = true): Promise<LabResponse> {
  const [pathname, query = ''] = path.split('?')
  return service({
    method,
    path: pathname,
    query: new URLSearchParams(query),
    headers: {host: '127.0.0.1:5000'},
    body: Buffer.from(body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body)),
    token: token ? TOKEN : undefined,
  })
}

const v1 = (rest: string) => `/${REGION}/v1${rest}`
const route = (fields: Record<string, unknown> = {}) => ({
  interface_uuid: MGMT,
  network: '192.168.204.0',
  prefix: '24',
  gateway: '192.168.101.1',
  metric: '1',
  ...fields,
})

/** The fault inside the double-encoded body (§5). */
function faultOf(response: LabResponse): {faultcode?: string; faultstring: string; debuginfo?: null} {
  const body = response.body as {error_message: string}
  expect(typeof body.error_message).toBe('string')
  return JSON.parse(body.error_message)
}

async function expectFault(response: Promise<LabResponse>, status: number, faultcode: string, message: string) {
  const answer = await response
  expect({status: answer.status, ...faultOf(answer)}).toEqual({
    status,
    faultcode,
    faultstring: message,
    debuginfo: null,
  })
}

beforeEach(() => {
  store = new MemorySysinvStore([SUBCLOUD1, SUBCLOUD6])
  service = createSysinvService(store, {mountPath: '/sysinv', apiLimitMax: 1000})
})

describe('lab sysinv: inventory (controller-0 and the guide interfaces)', () => {
  it('serves controller-0 as host id 1, by id, uuid and in the list', async () => {
    const list = await call('GET', v1('/ihosts'))
    const [host] = (list.body as {ihosts: {id: number; uuid: string; hostname: string}[]}).ihosts
    expect(host).toMatchObject({id: 1, hostname: 'controller-0', personality: 'controller'})
    expect((await call('GET', v1('/ihosts/1'))).body).toEqual(host)
    expect((await call('GET', v1(`/ihosts/${host.uuid}`))).body).toEqual(host)
    await expectFault(call('GET', v1('/ihosts/99')), 404, 'Client', 'Server 99 could not be found.')
  })

  it('lists enp0s3 (oam) and enp0s8 (mgmt) with their addresses', async () => {
    const host = inventory.host
    const {iinterfaces} = (await call('GET', v1(`/ihosts/${host.uuid}/iinterfaces`))).body as {
      iinterfaces: {ifname: string; networktypelist: string[]; ifclass: string}[]
    }
    expect(iinterfaces.map((i) => [i.ifname, i.networktypelist])).toEqual([
      ['enp0s3', ['oam']],
      ['enp0s8', ['mgmt', 'cluster-host']],
      ['lo', []],
      ['enp0s9', ['pxeboot']],
    ])
    const {addresses} = (await call('GET', v1(`/iinterfaces/${MGMT}/addresses`))).body as {
      addresses: {address: string; name: string}[]
    }
    expect(addresses.map((a) => `${a.name}=${a.address}`)).toEqual([
      'controller-mgmt=192.168.101.2',
      'controller-0-mgmt=192.168.101.3',
      'controller-cluster-host=192.168.206.2',
      'controller-0-cluster-host=192.168.206.3',
    ])
  })

  it('keeps uuids stable for a region and distinct between regions', () => {
    expect(inventoryOf({...SUBCLOUD1}).host.uuid).toBe(inventory.host.uuid)
    expect(inventoryOf(SUBCLOUD6).host.uuid).not.toBe(inventory.host.uuid)
    expect(inventory.host.uuid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
  })
})

describe('lab sysinv: POST /v1/routes', () => {
  it('creates with 200 (not 201), returns the route with its id, stores it for the audit', async () => {
    const created = await call('POST', v1('/routes'), route())
    expect(created.status).toBe(200)
    const body = created.body as Record<string, unknown>
    expect(Object.keys(body)).toEqual([
      'uuid',
      'interface_uuid',
      'ifname',
      'forihostid',
      'network',
      'prefix',
      'gateway',
      'metric',
      'id',
    ])
    expect(body).toMatchObject({
      interface_uuid: MGMT,
      ifname: 'enp0s8',
      forihostid: 1,
      network: '192.168.204.0',
      prefix: 24,
      gateway: '192.168.101.1',
      metric: 1,
      id: 1,
    })
    expect(store.writes).toEqual(['subcloud1'])
    expect(store.routesOf('subcloud1')).toHaveLength(1)

    const one = await call('GET', v1(`/routes/${body.uuid}`))
    expect(one.body).toEqual(body)
    const list = (await call('GET', v1(`/ihosts/${inventory.host.uuid}/routes`))).body as {
      routes: Record<string, unknown>[]
    }
    const {id: _id, ...withoutId} = body
    expect(list.routes).toEqual([withoutId])
    expect(((await call('GET', v1(`/iinterfaces/${MGMT}/routes`))).body as {routes: unknown[]}).routes).toHaveLength(1)
  })

  it('accepts numbers as well as numeric strings, and a default route', async () => {
    expect((await call('POST', v1('/routes'), route({prefix: 16, metric: 0, network: '172.16.0.0'}))).status).toBe(200)
    expect((await call('POST', v1('/routes'), route({prefix: '0', network: '0.0.0.0'}))).status).toBe(200)
  })

  describe('6.1 body decoding (400)', () => {
    it.each([
      ['not JSON', '{"network": ', 'Request is not in valid JSON format'],
      ['a JSON list', '[]', 'Request is not in valid JSON format'],
      ['one unknown key', route({foo: 1}), 'Unknown attribute for argument route: foo'],
      ['two unknown keys', route({zeta: 1, alpha: 2}), 'Unknown attributes for argument route: alpha, zeta'],
      ['a bad uuid', route({interface_uuid: 'enp0s8'}), 'Expected a uuid but received enp0s8.'],
      ['a bad network', route({network: '192.168.204'}), 'Expected an IPv4 or IPv6 address but received 192.168.204.'],
      ['a bad gateway', route({gateway: 'router'}), 'Expected an IPv4 or IPv6 address but received router.'],
    ])('%s', async (_name, body, message) => {
      await expectFault(call('POST', v1('/routes'), body), 400, 'Client', message)
    })

    it('a non-integer prefix names the whole body, as wsme does', async () => {
      const body = JSON.stringify(route({prefix: 'abc'}))
      await expectFault(
        call('POST', v1('/routes'), body),
        400,
        'Client',
        `Invalid input for field/attribute route. Value: '${body}'. invalid literal for int() with base 10: 'abc'`,
      )
    })
  })

  it('6.2 refuses during a major release deployment (409), POST and DELETE', async () => {
    const created = (await call('POST', v1('/routes'), route())).body as {uuid: string}
    store.deployState = 'activate-rollback-pending'
    const message = 'A major release deployment is in progress with state activate-rollback-pending.'
    await expectFault(call('POST', v1('/routes'), route({gateway: '192.168.101.4'})), 409, 'Client', message)
    await expectFault(call('DELETE', v1(`/routes/${created.uuid}`)), 409, 'Client', message)
    store.deployState = 'deploy-completed'
    expect((await call('DELETE', v1(`/routes/${created.uuid}`))).status).toBe(204)
  })

  describe('6.3 syntax (500 Server, as wsme answers a ValueError)', () => {
    it.each([
      [{prefix: '33'}, 'Invalid IP address and prefix'],
      [{network: '192.168.204.7'}, 'Invalid IP network 192.168.204.7/24 expecting 192.168.204.0/24'],
      [{network: '0.0.0.0', prefix: '8'}, 'Network must not be null when prefix is non zero'],
      [{gateway: 'fd00:101::1'}, 'Network and gateway IP versions must match'],
      [{network: '239.1.1.0', prefix: '28'}, 'Network address must be a unicast address'],
      [{gateway: '224.0.0.5'}, 'Gateway address must be a unicast address'],
      [{network: '192.168.101.1', prefix: '32'}, 'Network and gateway IP addresses must be different'],
      [{gateway: '0.0.0.0'}, 'Gateway address must not be null'],
      [{gateway: '192.168.204.1'}, 'Gateway address must not be within destination subnet'],
      [{metric: '-1'}, 'Route metric must be greater than zero'],
    ])('%j', async (fields, message) => {
      await expectFault(call('POST', v1('/routes'), route(fields)), 500, 'Server', message)
      expect(store.writes).toEqual([])
    })

    it('a body without metric fails with 500 instead of defaulting', async () => {
      const {metric: _metric, ...body} = route()
      await expectFault(
        call('POST', v1('/routes'), body),
        500,
        'Server',
        "'<' not supported between instances of 'UnsetType' and 'int'",
      )
    })
  })

  describe('6.4 semantic checks', () => {
    it('9: unknown interface (400)', async () => {
      const uuid = '11111111-2222-4333-8444-555555555555'
      await expectFault(
        call('POST', v1('/routes'), route({interface_uuid: uuid})),
        400,
        'Client',
        `No entry found for interface ${uuid}`,
      )
    })

    it('10: platform interface without a network (409)', async () => {
      await expectFault(
        call('POST', v1('/routes'), route({interface_uuid: ifaceUuid('lo')})),
        409,
        'Client',
        'The Interface does not have any network assigned to it.',
      )
    })

    it('11: network type that may not route (409)', async () => {
      await expectFault(
        call('POST', v1('/routes'), route({interface_uuid: ifaceUuid('enp0s9'), gateway: '169.254.202.1'})),
        409,
        'Client',
        "Routes may not be configured against interfaces with network type 'pxeboot'",
      )
    })

    it('12: gateway is a local address (409); gateway records are not local', async () => {
      await expectFault(
        call('POST', v1('/routes'), route({gateway: '192.168.101.3'})),
        409,
        'Client',
        'Route gateway 192.168.101.3 cannot be another local interface',
      )
      await expectFault(
        call('POST', v1('/routes'), route({interface_uuid: ifaceUuid('enp0s3'), gateway: '10.10.10.12'})),
        409,
        'Client',
        'Route gateway 10.10.10.12 cannot be another local interface',
      )
      expect(
        (await call('POST', v1('/routes'), route({interface_uuid: ifaceUuid('enp0s3'), gateway: '10.10.10.1'}))).status,
      ).toBe(200)
    })

    it('13: gateway not reachable from the interface (409)', async () => {
      await expectFault(
        call('POST', v1('/routes'), route({gateway: '10.9.9.1'})),
        409,
        'Client',
        'Route gateway 10.9.9.1 is not reachable by any address on this interface',
      )
      // The cluster-host subnet is on enp0s8 too.
      expect((await call('POST', v1('/routes'), route({gateway: '192.168.206.1'}))).status).toBe(200)
    })

    it('14: the identical route exists on the host (409)', async () => {
      expect((await call('POST', v1('/routes'), route())).status).toBe(200)
      await expectFault(
        call('POST', v1('/routes'), route()),
        409,
        'Client',
        'Route 192.168.204.0/24 via 192.168.101.1 already exists on this host.',
      )
    })

    it('15: at most 4 equal-cost paths per destination (409, upstream wording)', async () => {
      for (const gw of ['192.168.101.1', '192.168.101.4', '192.168.101.5', '192.168.101.6']) {
        expect((await call('POST', v1('/routes'), route({gateway: gw}))).status).toBe(200)
      }
      await expectFault(
        call('POST', v1('/routes'), route({gateway: '192.168.101.7'})),
        409,
        'Client',
        'Maximum number of paths (4) already reached for 192.168.204.0/24 already reached.',
      )
      // Another metric is another set of paths.
      expect((await call('POST', v1('/routes'), route({gateway: '192.168.101.7', metric: '2'}))).status).toBe(200)
    })

    it('16: same gateway with another metric on the same interface (unique key, 409)', async () => {
      expect((await call('POST', v1('/routes'), route())).status).toBe(200)
      await expectFault(
        call('POST', v1('/routes'), route({metric: '5'})),
        409,
        'Client',
        'Route 192.168.204.0/24 via 192.168.101.1 already exists on this host.',
      )
    })

    it('IPv6 subclouds route over their IPv6 management pool', async () => {
      const v6 = inventoryOf(SUBCLOUD6).interfaces.find((i) => i.ifname === 'enp0s8')!.uuid
      const response = await call('POST', `/${SUBCLOUD6.regionName}/v1/routes`, {
        interface_uuid: v6,
        network: 'FD00:204::',
        prefix: '64',
        gateway: 'fd00:101::1',
        metric: '1',
      })
      expect(response.status).toBe(200)
      expect(response.body).toMatchObject({network: 'fd00:204::', gateway: 'fd00:101::1'})
    })
  })

  it('two identical concurrent requests: one is stored, the other refused', async () => {
    const [a, b] = await Promise.all([call('POST', v1('/routes'), route()), call('POST', v1('/routes'), route())])
    expect([a.status, b.status].sort()).toEqual([200, 409])
    expect(store.routesOf('subcloud1')).toHaveLength(1)
  })
})

describe('lab sysinv: GET one, DELETE, lists, errors', () => {
  it('DELETE answers 204 with no body, then 404; a bad uuid is 400', async () => {
    const {uuid} = (await call('POST', v1('/routes'), route())).body as {uuid: string}
    const deleted = await call('DELETE', v1(`/routes/${uuid}`))
    expect(deleted).toEqual({status: 204})
    expect(store.routesOf('subcloud1')).toHaveLength(0)
    await expectFault(call('DELETE', v1(`/routes/${uuid}`)), 404, 'Client', `Route ${uuid} could not be found.`)
    await expectFault(call('GET', v1(`/routes/${uuid}`)), 404, 'Client', `Route ${uuid} could not be found.`)
    await expectFault(
      call('DELETE', v1('/routes/nope')),
      400,
      'Client',
      "Invalid input for field/attribute route_uuid. Value: 'nope'. unable to convert to uuid. Error: Expected a uuid but received nope.",
    )
  })

  it('PATCH is 405 and unknown paths 404, with pecan bodies (faultstring only)', async () => {
    const patch = await call('PATCH', v1('/routes/0b8c1a4e-5d2f-4f7a-9a51-3c6e2f1d9b70'), {metric: 2})
    expect(patch.status).toBe(405)
    expect(faultOf(patch)).toEqual({faultstring: 'The method PATCH is not allowed for this resource.'})
    const unknown = await call('GET', v1('/nothing'))
    expect(unknown.status).toBe(404)
    expect(faultOf(unknown)).toEqual({faultstring: 'The resource could not be found.'})
    expect((await call('GET', '/00000000000000000000000000000000/v1/ihosts')).status).toBe(404)
    expect((await call('GET', v1('/routes/%E0%A4%A'))).status).toBe(404)
  })

  it('refuses a request without a token (401, keystonemiddleware shape)', async () => {
    const response = await call('GET', v1('/ihosts'), undefined, false)
    expect(response.status).toBe(401)
    expect(response.body).toEqual({
      error: {code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.'},
    })
  })

  it('an unknown well-formed host uuid lists no routes (not 404)', async () => {
    await call('POST', v1('/routes'), route())
    const response = await call('GET', v1('/ihosts/11111111-2222-4333-8444-555555555555/routes'))
    expect(response).toMatchObject({status: 200, body: {routes: []}})
  })

  it('pages with limit/marker and a next link; validates sort_dir and limit', async () => {
    for (const gw of ['192.168.101.1', '192.168.101.4', '192.168.101.5'])
      await call('POST', v1('/routes'), route({gateway: gw}))
    const first = (await call('GET', v1('/routes?limit=2'))).body as {
      routes: {uuid: string; gateway: string}[]
      next: string
    }
    expect(first.routes.map((r) => r.gateway)).toEqual(['192.168.101.1', '192.168.101.4'])
    expect(first.next).toBe(
      `http://127.0.0.1:5000/sysinv/${REGION}/v1/routes?sort_key=id&sort_dir=asc&limit=2&marker=${first.routes[1].uuid}`,
    )
    const second = (await call('GET', v1(`/routes?limit=2&marker=${first.routes[1].uuid}`))).body as {
      routes: {gateway: string}[]
      next?: string
    }
    expect(second.routes.map((r) => r.gateway)).toEqual(['192.168.101.5'])
    expect(second.next).toBeUndefined()
    const desc = (await call('GET', v1('/routes?sort_key=gateway&sort_dir=desc'))).body as {routes: {gateway: string}[]}
    expect(desc.routes.map((r) => r.gateway)).toEqual(['192.168.101.5', '192.168.101.4', '192.168.101.1'])
    await expectFault(
      call('GET', v1('/routes?sort_dir=up')),
      400,
      'Client',
      "Invalid sort direction: up. Acceptable values are 'asc' or 'desc'",
    )
    await expectFault(call('GET', v1('/routes?limit=-1')), 400, 'Client', 'Limit must be positive')
  })
})

describe("lab sysinv: the System Controller's own region", () => {
  it('serves RegionOne from the lab config and keeps its routes apart from every subcloud', async () => {
    const sc = systemControllerRecord(DEFAULT_SYSTEM_CONTROLLER)
    service = createSysinvService(store, {mountPath: '/sysinv', systemController: {record: sc, storeKey: '@sc'}})
    const {ihosts} = (await call('GET', '/RegionOne/v1/ihosts')).body as {ihosts: {hostname: string; mgmt_ip: string}[]}
    expect(ihosts).toEqual([expect.objectContaining({hostname: 'controller-0', mgmt_ip: '192.168.204.3'})])
    const enp0s8 = inventoryOf(sc).interfaces.find((i) => i.ifname === 'enp0s8')!.uuid
    // The System Controller's route towards subcloud1's management network, via its gateway router.
    const created = await call('POST', '/RegionOne/v1/routes', {
      interface_uuid: enp0s8,
      network: '192.168.101.0',
      prefix: '24',
      gateway: '192.168.204.101',
      metric: '1',
    })
    expect(created.status).toBe(200)
    expect(store.routesOf('@sc')).toHaveLength(1)
    expect(store.routesOf('subcloud1')).toHaveLength(0)
    // A subcloud's interface is unknown in RegionOne.
    await expectFault(
      call('POST', '/RegionOne/v1/routes', route()),
      400,
      'Client',
      `No entry found for interface ${MGMT}`,
    )
  })
})

describe('lab sysinv: robustness', () => {
  it('answers any POST body with a documented status and a well-formed body, never a crash', async () => {
    const value = fc.oneof(
      fc.string(),
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      fc.ipV4(),
      fc.ipV6(),
      fc.constant(MGMT),
      fc.array(fc.integer(), {maxLength: 2}),
    )
    const body = fc.oneof(
      fc.string(),
      fc
        .record(
          {interface_uuid: value, network: value, prefix: value, gateway: value, metric: value, extra: value},
          {requiredKeys: []},
        )
        .map((record) => JSON.stringify(record)),
    )
    await fc.assert(
      fc.asyncProperty(body, async (text) => {
        store = new MemorySysinvStore([SUBCLOUD1])
        service = createSysinvService(store, {mountPath: '/sysinv'})
        const response = await call('POST', v1('/routes'), text)
        if (response.status === 200) return store.routesOf('subcloud1').length === 1
        const fault = faultOf(response)
        return (
          [400, 409, 500].includes(response.status) && typeof fault.faultstring === 'string' && fault.faultstring !== ''
        )
      }),
      {numRuns: 300},
    )
  })
})
