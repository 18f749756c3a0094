import http from 'node:http'
import type {AddressInfo} from 'node:net'

import {afterAll, afterEach, beforeAll, beforeEach, describe, expect, it} from '@jest/globals'

import type {SessionRequest} from '../../../src/core/api/keystone.js'
import {HttpTransport} from '../../../src/core/api/transport.js'
import type {LabResponse} from '../../../src/lab/http/http-types.js'
import {inventoryOf} from '../../../src/lab/sysinv/sysinv-inventory.js'
import {createSysinvService} from '../../../src/lab/sysinv/sysinv-service.js'
import {addHostRoute, listHostRoutes} from '../../../src/core/sysinv/host-routes.js'
import {SysinvApiError, SysinvClient} from '../../../src/core/sysinv/sysinv-client.js'
import {MemorySysinvStore, SUBCLOUD1} from './memory-sysinv-store.js'

/**
 * The sysinv client over real HTTP on loopback against the lab's sysinv service, with per-test overrides
 * for answers the lab never gives (a proxy's HTML page, a vanished route after create, a 500 fault).
 */
interface Recorded {
  method: string
  path: string
  headers: http.IncomingHttpHeaders
  body: string
}

let server: http.Server
let baseUrl: string
let store: MemorySysinvStore
let recorded: Recorded[]
let override: ((request: Recorded) => LabResponse | undefined) | undefined
const transport = new HttpTransport({getRetries: 0})
const session = {
  request: (request: SessionRequest) =>
    transport.request({...request, headers: {...request.headers, 'x-auth-token': 'token-1'}}),
}
const token = {id: 'token-1', userName: 'admin', projectName: 'admin', expiresAt: '2099-01-01T00:00:00Z'}
const inventory = inventoryOf(SUBCLOUD1)

beforeAll(async () => {
  server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (chunk: Buffer) => chunks.push(chunk))
    req.on('end', async () => {
      const url = new URL(req.url ?? '/', 'http://x')
      const entry = {
        method: req.method ?? 'GET',
        path: url.pathname,
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      }
      recorded.push(entry)
      const service = createSysinvService(store, {mountPath: '/sysinv'})
      const answer =
        override?.(entry) ??
        (await service({
          method: entry.method,
          path: url.pathname.replace(/^\/sysinv/, ''),
          query: url.searchParams,
          headers: req.headers,
          body: Buffer.concat(chunks),
          token,
        }))
      const body =
        answer.body === undefined ? '' : typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body)
      res.writeHead(answer.status, answer.headers ?? {})
      res.end(body)
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})

afterAll(async () => {
  await transport.close()
  await new Promise((resolve) => server.close(resolve))
})

beforeEach(() => {
  store = new MemorySysinvStore([SUBCLOUD1])
  recorded = []
  override = undefined
})

afterEach(() => {
  override = undefined
})

const client = () => new SysinvClient(session, `${baseUrl}/sysinv/${SUBCLOUD1.regionName}/v1`)
const guideRoute = {network: '192.168.204.0', prefix: 24, gateway: '192.168.101.1', metric: 1}

async function rejection(promise: Promise<unknown>): Promise<Error> {
  try {
    await promise
  } catch (error) {
    return error as Error
  }
  throw new Error('expected a rejection')
}

describe('SysinvClient host and interface lookup (host-routes.md §2.1)', () => {
  it('finds the host by id and uuid directly, by hostname through the list', async () => {
    const sysinv = client()
    expect((await sysinv.findHost('1')).hostname).toBe('controller-0')
    expect((await sysinv.findHost(inventory.host.uuid)).id).toBe(1)
    expect((await sysinv.findHost('controller-0')).uuid).toBe(inventory.host.uuid)
    expect(recorded.map((r) => r.path.replace(/^.*\/v1/, ''))).toEqual([
      '/ihosts/1',
      `/ihosts/${inventory.host.uuid}`,
      '/ihosts',
    ])
  })

  it('says "host not found" for an unknown id or name', async () => {
    expect((await rejection(client().findHost('7'))).message).toBe('host not found: 7')
    expect((await rejection(client().findHost('controller-9'))).message).toBe('host not found: controller-9')
  })

  it('finds interfaces by name or uuid, else names host and interface', async () => {
    const sysinv = client()
    const host = await sysinv.findHost('1')
    const mgmt = inventory.interfaces.find((i) => i.ifname === 'enp0s8')!
    expect((await sysinv.findInterface(host, 'enp0s8')).uuid).toBe(mgmt.uuid)
    expect((await sysinv.findInterface(host, mgmt.uuid)).ifname).toBe('enp0s8')
    expect((await rejection(sysinv.findInterface(host, 'eth7'))).message).toBe(
      'Interface not found: host controller-0 interface eth7',
    )
  })
})

describe('addHostRoute and the routes calls', () => {
  it('sends the cgts-client body (strings for prefix and metric) and reads the route back', async () => {
    const {route, existed} = await addHostRoute(client(), {
      host: 'controller-0',
      interfaceRef: 'enp0s8',
      route: guideRoute,
    })
    expect(existed).toBe(false)
    const post = recorded.find((r) => r.method === 'POST')!
    expect(JSON.parse(post.body)).toEqual({
      interface_uuid: inventory.interfaces[1].uuid,
      network: '192.168.204.0',
      prefix: '24',
      gateway: '192.168.101.1',
      metric: '1',
    })
    expect(post.headers).toMatchObject({
      'content-type': 'application/json',
      accept: 'application/json',
      'x-auth-token': 'token-1',
    })
    expect(recorded.at(-1)).toMatchObject({
      method: 'GET',
      path: expect.stringMatching(new RegExp(`/routes/${route.uuid}$`)),
    })
    expect(route).toMatchObject({ifname: 'enp0s8', forihostid: 1, ...guideRoute})
  })

  it('reports a created route that cannot be read back, as system does', async () => {
    override = (r) =>
      r.method === 'GET' && /\/routes\/[0-9a-f-]{36}$/.test(r.path) ? {status: 404, body: ''} : undefined
    const error = await rejection(addHostRoute(client(), {host: '1', interfaceRef: 'enp0s8', route: guideRoute}))
    const uuid = store.routesOf('subcloud1')[0].uuid
    expect(error.message).toBe(`Created Route UUID not found: ${uuid}`)
  })

  it('turns a 500 Server fault into one line with its status and fault code', async () => {
    override = (r) =>
      r.method === 'POST'
        ? {
            status: 500,
            body: {
              error_message: JSON.stringify({
                faultcode: 'Server',
                faultstring: 'Invalid IP address and prefix',
                debuginfo: null,
              }),
            },
          }
        : undefined
    const error = await rejection(addHostRoute(client(), {host: '1', interfaceRef: 'enp0s8', route: guideRoute}))
    expect(error).toBeInstanceOf(SysinvApiError)
    expect(error).toMatchObject({
      message: 'Invalid IP address and prefix',
      status: 500,
      faultcode: 'Server',
      exitCode: 1,
    })
  })

  it("reads a proxy's HTML error page", async () => {
    override = () => ({
      status: 502,
      headers: {'content-type': 'text/html'},
      body: '<html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>',
    })
    const error = await rejection(client().listHostRoutes(inventory.host.uuid))
    expect(error).toMatchObject({message: 'Bad Gateway.', status: 502})
  })

  it('--if-not-exists: the identical route is success, a different one with the same key is not', async () => {
    const first = await addHostRoute(client(), {host: '1', interfaceRef: 'enp0s8', route: guideRoute})
    const again = await addHostRoute(client(), {
      host: '1',
      interfaceRef: 'enp0s8',
      route: guideRoute,
      ifNotExists: true,
    })
    expect(again).toEqual({route: {...first.route, id: undefined}, existed: true})
    // Same gateway, other metric: sysinv's unique key says "already exists", but it is not the route asked for.
    const other = await rejection(
      addHostRoute(client(), {host: '1', interfaceRef: 'enp0s8', route: {...guideRoute, metric: 5}, ifNotExists: true}),
    )
    expect(other.message).toBe('Route 192.168.204.0/24 via 192.168.101.1 already exists on this host.')
  })

  it('lists routes sorted by ifname, keeping server order within an interface', async () => {
    const oam = {network: '10.20.0.0', prefix: 16, gateway: '10.10.10.1', metric: 1}
    await addHostRoute(client(), {host: '1', interfaceRef: 'enp0s8', route: guideRoute})
    await addHostRoute(client(), {host: '1', interfaceRef: 'enp0s3', route: oam})
    await addHostRoute(client(), {host: '1', interfaceRef: 'enp0s8', route: {...guideRoute, network: '192.168.205.0'}})
    const routes = await listHostRoutes(client(), 'controller-0')
    expect(routes.map((r) => `${r.ifname} ${r.network}`)).toEqual([
      'enp0s3 10.20.0.0',
      'enp0s8 192.168.204.0',
      'enp0s8 192.168.205.0',
    ])
  })

  it('deletes with DELETE and surfaces 404 with the server text', async () => {
    const {route} = await addHostRoute(client(), {host: '1', interfaceRef: 'enp0s8', route: guideRoute})
    await client().deleteRoute(route.uuid)
    expect(recorded.at(-1)?.method).toBe('DELETE')
    expect((await rejection(client().deleteRoute(route.uuid))).message).toBe(`Route ${route.uuid} could not be found.`)
  })
})
