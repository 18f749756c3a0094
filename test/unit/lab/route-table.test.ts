import {describe, expect, test} from '@jest/globals'

import {createDcmanagerService} from '../../../src/lab/dcmanager/dcmanager-service.js'
import type {DcmanagerContext, DcmanagerFamily} from '../../../src/lab/dcmanager/dcmanager-http.js'
import {json} from '../../../src/lab/dcmanager/dcmanager-http.js'
import type {LabRequest} from '../../../src/lab/http/http-types.js'
import {RouteTable, splitPath} from '../../../src/lab/http/route-table.js'
import {routedService} from '../../../src/lab/http/routed-service.js'
import {WebobError} from '../../../src/lab/http/webob-error.js'

const request = (method: string, path: string, headers: Record<string, string> = {}, token = false): LabRequest => ({
  method,
  path,
  query: new URLSearchParams(),
  headers,
  body: Buffer.alloc(0),
  token: token ? {id: 't', userName: 'admin', projectName: 'admin', expiresAt: ''} : undefined,
})

const handler = () => ({status: 200})

describe('route table', () => {
  const table = new RouteTable([
    {method: 'GET', path: '/things', handler},
    {method: 'POST', path: '/things', handler},
    {method: 'GET', path: '/things/:thing', handler},
    {method: 'PATCH', path: '/things/:thing/rename', handler},
    {method: 'GET', path: '/things/:thing/:other', handler},
    {method: '*', path: '/', handler},
  ])

  test('collection, item and item action; literals before parameters', () => {
    expect(table.match(splitPath('/things'), 'GET')).toMatchObject({kind: 'route', params: {}})
    expect(table.match(splitPath('/things/'), 'POST')).toMatchObject({kind: 'route'})
    expect(table.match(splitPath('/things/a'), 'GET')).toMatchObject({kind: 'route', params: {thing: 'a'}})
    expect(table.match(splitPath('/things/a/rename'), 'PATCH')).toMatchObject({
      kind: 'route',
      route: {method: 'PATCH'},
      params: {thing: 'a'},
    })
    expect(table.match(splitPath('/things/a/b'), 'GET')).toMatchObject({params: {thing: 'a', other: 'b'}})
  })

  test('a known path with another method is not allowed; an unknown path is not found', () => {
    expect(table.match(splitPath('/things/a'), 'DELETE')).toEqual({kind: 'method-not-allowed'})
    expect(table.match(splitPath('/things/a/b/c'), 'GET')).toEqual({kind: 'not-found'})
    expect(table.match(splitPath('/other'), 'GET')).toEqual({kind: 'not-found'})
  })

  test('one trailing slash is optional; empty segments match nothing', () => {
    expect(splitPath('/')).toEqual([])
    expect(splitPath('/a/b/')).toEqual(['a', 'b'])
    expect(table.match(splitPath('/things//'), 'GET')).toEqual({kind: 'not-found'})
    expect(table.match(splitPath('//'), 'GET')).toEqual({kind: 'not-found'})
  })

  test('`*` answers any method, after the routes of the method itself', () => {
    expect(table.match(splitPath('/'), 'POST')).toMatchObject({kind: 'route', route: {method: '*'}})
  })
})

describe('routed service', () => {
  const calls: string[] = []
  const service = routedService({
    routes: [
      {method: 'GET', path: '/', public: true, handler: () => ({status: 200, body: 'root'})},
      {method: 'GET', path: '/items/:item', handler: (r, {item}) => ({status: 200, body: item})},
    ],
    decodeParams: true,
    guard: (r) => {
      calls.push(r.path)
      return r.token ? undefined : {status: 401}
    },
    notFound: () => ({status: 404}),
    methodNotAllowed: () => ({status: 405}),
    onError: () => ({status: 500}),
  })

  test('public routes skip the guard; the guard runs before not-found and method-not-allowed', async () => {
    expect(await service(request('GET', '/'))).toEqual({status: 200, body: 'root'})
    expect(calls).toEqual([])
    expect((await service(request('GET', '/nowhere'))).status).toBe(401)
    expect((await service(request('POST', '/items/a'))).status).toBe(401)
    expect((await service(request('POST', '/items/a', {}, true))).status).toBe(405)
    expect((await service(request('GET', '/nowhere', {}, true))).status).toBe(404)
  })

  test('parameters are percent-decoded after matching; a malformed escape is an error', async () => {
    expect(await service(request('GET', '/items/a%20b', {}, true))).toEqual({status: 200, body: 'a b'})
    expect((await service(request('GET', '/items/%E0%A4%A', {}, true))).status).toBe(500)
  })
})

describe('dcmanager families', () => {
  // A new resource family is one module: a function from the dcmanager context to its routes.
  const widgets: DcmanagerFamily = () => [
    {method: 'GET', path: '/v1.0/widgets', handler: () => json({widgets: []})},
    {
      method: 'DELETE',
      path: '/v1.0/widgets/:widget',
      handler: (r, {widget}) => {
        throw new WebobError(400, `Widget ${widget} is busy`)
      },
    },
  ]
  const service = createDcmanagerService({} as DcmanagerContext, [widgets])
  const authed = (method: string, path: string) => request(method, path, {'x-auth-token': 't'}, true)

  test('a family gets the token check and webob error bodies', async () => {
    expect(await service(authed('GET', '/v1.0/widgets'))).toEqual(json({widgets: []}))
    expect(await service(request('GET', '/v1.0/widgets'))).toMatchObject({status: 401})
    expect(await service(request('GET', '/v1.0/widgets', {'x-auth-token': 'stale'}))).toMatchObject({
      status: 401,
      body: expect.stringContaining('Auth token is invalid: stale'),
    })
    const busy = await service({
      ...authed('DELETE', '/v1.0/widgets/w%201'),
      headers: {accept: 'application/json', 'x-auth-token': 't'},
    })
    expect(busy).toMatchObject({
      status: 400,
      body: {code: 400, title: 'Bad Request', description: 'Widget w 1 is busy'},
    })
    expect(await service(authed('PUT', '/v1.0/widgets'))).toMatchObject({status: 405})
    expect(await service(authed('GET', '/v1.0/gadgets'))).toMatchObject({status: 404})
  })
})
