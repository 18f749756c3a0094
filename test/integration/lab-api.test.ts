import {afterEach, beforeEach, describe, expect, test} from '@jest/globals'

import {startTestLab, type TestLab, waitFor} from '../helpers/lab.js'
import {errorOf, labFixture, patchSubcloud, postSubcloud} from '../helpers/lab-requests.js'

const SIMPLEX = labFixture('valid-simplex-ipv4')

let lab: TestLab
beforeEach(async () => {
  lab = await startTestLab()
})
afterEach(async () => {
  await lab.stop()
})

async function tokenFor(password: string, extra: Record<string, unknown> = {}): Promise<Response> {
  return fetch(`${lab.authUrl}/auth/tokens`, {
    method: 'POST',
    headers: {'content-type': 'application/json', accept: 'application/json'},
    body: JSON.stringify({
      auth: {
        identity: {methods: ['password'], password: {user: {name: 'admin', domain: {name: 'Default'}, password}}},
        scope: {project: {name: 'admin', domain: {name: 'Default'}}},
        ...extra,
      },
    }),
  })
}

async function addComplete(yaml = SIMPLEX): Promise<number> {
  const response = await postSubcloud(lab, yaml)
  expect(response.status).toBe(200)
  const {id} = (await response.json()) as {id: number}
  await waitFor(
    () => lab.store.subcloudById(id)?.deployStatus,
    (status) => status === 'complete',
  )
  return id
}

describe('keystone', () => {
  test('password auth: 201, X-Subject-Token, catalog with identity, dcmanager (SystemController) and platform', async () => {
    const response = await tokenFor(lab.password)
    expect(response.status).toBe(201)
    const token = response.headers.get('x-subject-token')
    expect(token).toMatch(/^[0-9a-f]{48}$/)
    const body = (await response.json()) as {
      token: {
        catalog: Array<{type: string; endpoints: Array<{region: string; url: string; interface: string}>}>
        expires_at: string
        user: {name: string}
        project: {name: string}
      }
    }
    expect(body.token.user.name).toBe('admin')
    expect(body.token.project.name).toBe('admin')
    expect(body.token.expires_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/)
    const dcmanager = body.token.catalog.find((service) => service.type === 'dcmanager')!
    expect(dcmanager.endpoints.map((e) => [e.interface, e.region, e.url])).toEqual([
      ['public', 'SystemController', `${lab.url}/dcmanager/v1.0`],
      ['internal', 'SystemController', `${lab.url}/dcmanager/v1.0`],
      ['admin', 'SystemController', `${lab.url}/dcmanager/v1.0`],
    ])
    expect(body.token.catalog.map((service) => service.type)).toEqual(['identity', 'dcmanager', 'platform'])
  })

  test('wrong password, unknown user and wrong project are 401 with the keystone error body', async () => {
    for (const response of [
      await tokenFor('wrong'),
      await tokenFor(lab.password, {scope: {project: {name: 'other', domain: {name: 'Default'}}}}),
    ]) {
      expect(response.status).toBe(401)
      expect(await response.json()).toEqual({
        error: {code: 401, title: 'Unauthorized', message: 'The request you have made requires authentication.'},
      })
      expect(response.headers.get('x-subject-token')).toBeNull()
    }
    const malformed = await fetch(`${lab.authUrl}/auth/tokens`, {method: 'POST', body: '{'})
    expect(malformed.status).toBe(400)
  })

  test('token method re-scopes a valid token; GET validates; DELETE revokes', async () => {
    const first = (await tokenFor(lab.password)).headers.get('x-subject-token')!
    const rescoped = await fetch(`${lab.authUrl}/auth/tokens`, {
      method: 'POST',
      headers: {'content-type': 'application/json'},
      body: JSON.stringify({auth: {identity: {methods: ['token'], token: {id: first}}}}),
    })
    expect(rescoped.status).toBe(201)
    const second = rescoped.headers.get('x-subject-token')!
    expect(second).not.toBe(first)
    const check = await fetch(`${lab.authUrl}/auth/tokens`, {
      headers: {'x-auth-token': first, 'x-subject-token': second},
    })
    expect(check.status).toBe(200)
    const revoke = await fetch(`${lab.authUrl}/auth/tokens`, {
      method: 'DELETE',
      headers: {'x-auth-token': first, 'x-subject-token': second},
    })
    expect(revoke.status).toBe(204)
    const gone = await fetch(`${lab.authUrl}/auth/tokens`, {
      headers: {'x-auth-token': first, 'x-subject-token': second},
    })
    expect(gone.status).toBe(404)
  })

  test("a subcloud's view of Keystone (/identity/<region>/v3) is the same Keystone", async () => {
    const response = await fetch(`${lab.url}/identity/${'ab'.repeat(16)}/v3/auth/tokens`, {
      method: 'POST',
      body: JSON.stringify({
        auth: {
          identity: {
            methods: ['password'],
            password: {user: {name: 'admin', domain: {name: 'Default'}, password: lab.password}},
          },
        },
      }),
    })
    expect(response.status).toBe(201)
    expect((await fetch(`${lab.url}/identity/not-a-region/v3/auth/tokens`, {method: 'POST', body: '{}'})).status).toBe(
      404,
    )
  })

  test('version discovery at the auth URL', async () => {
    const response = await fetch(lab.authUrl)
    expect(response.status).toBe(200)
    expect(((await response.json()) as {version: {id: string}}).version.id).toBe('v3.14')
  })
})

describe('expired tokens', () => {
  test('a token past its lifetime is refused with the dcmanager 401 detail', async () => {
    await lab.stop()
    lab = await startTestLab({tokenLifetimeSeconds: 1})
    const token = (await tokenFor(lab.password)).headers.get('x-subject-token')!
    expect((await lab.api('/dcmanager/v1.0/subclouds', {token})).status).toBe(200)
    await new Promise((resolve) => setTimeout(resolve, 1100))
    const expired = await lab.api('/dcmanager/v1.0/subclouds', {token})
    expect(expired.status).toBe(401)
    expect(await errorOf(expired)).toEqual({
      status: 401,
      description: `Failed to validate access token: Auth token is invalid: ${token}`,
    })
    // The same token cannot be re-scoped either: the client must authenticate again with its password.
    const rescope = await fetch(`${lab.authUrl}/auth/tokens`, {
      method: 'POST',
      body: JSON.stringify({auth: {identity: {methods: ['token'], token: {id: token}}}}),
    })
    expect(rescope.status).toBe(401)
  })

  test('no token: 401 "Authentication required", as HTML for Accept */*', async () => {
    const response = await lab.api('/dcmanager/v1.0/subclouds', {token: null, headers: {accept: '*/*'}})
    expect(response.status).toBe(401)
    expect(response.headers.get('content-type')).toMatch(/^text\/html/)
    expect(await response.text()).toBe(
      '<html>\n <head>\n  <title>401 Unauthorized</title>\n </head>\n <body>\n  <h1>401 Unauthorized</h1>\n' +
        '  This server could not verify that you are authorized to access the document you requested.  Either you supplied the wrong credentials (e.g., bad password), or your browser does not understand how to supply the credentials required.<br /><br />\n' +
        'Failed to validate access token: Authentication required\n\n\n </body>\n</html>',
    )
  })
})

describe('subclouds', () => {
  test('add: 200 with not-deployed and every field in server order, then the deploy walks to complete', async () => {
    const seen = new Set<string>()
    lab.store.on('change', () => seen.add(lab.store.subcloudById(1)?.deployStatus ?? ''))
    const response = await postSubcloud(lab, SIMPLEX)
    expect(response.status).toBe(200)
    const body = (await response.json()) as Record<string, unknown>
    expect(Object.keys(body)).toEqual([
      'id',
      'name',
      'description',
      'location',
      'software-version',
      'management-state',
      'availability-status',
      'deploy-status',
      'backup-status',
      'backup-datetime',
      'error-description',
      'region-name',
      'management-subnet',
      'management-start-ip',
      'management-end-ip',
      'management-gateway-ip',
      'openstack-installed',
      'prestage-status',
      'prestage-versions',
      'systemcontroller-gateway-ip',
      'data_install',
      'data_upgrade',
      'created-at',
      'updated-at',
      'group_id',
      'peer_group_id',
      'rehome_data',
    ])
    expect(body).toMatchObject({
      id: 1,
      name: 'subcloud1',
      'management-state': 'unmanaged',
      'availability-status': 'offline',
      'deploy-status': 'not-deployed',
      'error-description': 'No errors present',
      'management-subnet': '192.168.101.0/24',
      'systemcontroller-gateway-ip': '192.168.204.101',
      group_id: 1,
    })
    expect(body['region-name']).toMatch(/^[0-9a-f]{32}$/)
    expect(body['created-at']).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/)
    await waitFor(
      () => lab.store.subcloudById(1)?.deployStatus,
      (status) => status === 'complete',
    )
    expect([...seen].filter((s) => s !== 'complete')).toEqual(
      expect.arrayContaining(['creating', 'create-complete', 'pre-bootstrap', 'bootstrapping', 'bootstrap-complete']),
    )
  })

  test('list (sync_status + endpoint_sync_status), show, detail and 404', async () => {
    const id = await addComplete()
    const list = (await (await lab.api('/dcmanager/v1.0/subclouds')).json()) as {
      subclouds: Array<Record<string, unknown>>
    }
    expect(list.subclouds).toHaveLength(1)
    expect(list.subclouds[0].sync_status).toBe('unknown')
    expect(list.subclouds[0].endpoint_sync_status).toHaveLength(7)
    const show = (await (await lab.api(`/dcmanager/v1.0/subclouds/${id}`)).json()) as Record<string, unknown>
    expect('sync_status' in show).toBe(false)
    expect((show.endpoint_sync_status as Array<{endpoint_type: string}>).map((e) => e.endpoint_type)).toEqual([
      'dc-cert',
      'firmware',
      'identity',
      'kube-rootca',
      'kubernetes',
      'platform',
      'software',
    ])
    const detail = (await (await lab.api('/dcmanager/v1.0/subclouds/subcloud1/detail')).json()) as Record<
      string,
      unknown
    >
    expect(detail).toMatchObject({oam_floating_ip: 'unavailable', deploy_config_sync_status: 'unknown'})
    expect(detail.region_name).toBe(show['region-name'])
    const missing = await lab.api('/dcmanager/v1.0/subclouds/nosuch')
    expect(await errorOf(missing)).toEqual({status: 404, description: 'Subcloud not found'})
  })

  test('availability: offline until a route to the SC management subnet exists, then manage and in-sync', async () => {
    const id = await addComplete()
    const refused = await patchSubcloud(lab, 'subcloud1', {'management-state': 'managed'})
    expect(await errorOf(refused)).toEqual({status: 422, description: 'Subcloud is not online.'})
    // A route elsewhere does not help; one covering 192.168.204.0/24 does.
    await lab.store.setRoutes('subcloud1', [{network: '10.20.0.0', prefix: 16}])
    lab.audit()
    expect(lab.store.subcloudById(id)?.availabilityStatus).toBe('offline')
    await lab.store.setRoutes('subcloud1', [{network: '192.168.204.0', prefix: 24}])
    await waitFor(
      () => lab.store.subcloudById(id)?.availabilityStatus,
      (s) => s === 'online',
    )
    const managed = await patchSubcloud(lab, 'subcloud1', {'management-state': 'managed'})
    expect(managed.status).toBe(200)
    expect(((await managed.json()) as Record<string, unknown>)['management-state']).toBe('managed')
    const list = await waitFor(
      async () =>
        (await (await lab.api('/dcmanager/v1.0/subclouds')).json()) as {subclouds: Array<{sync_status: string}>},
      (body) => body.subclouds[0].sync_status === 'in-sync',
    )
    expect(list.subclouds[0].sync_status).toBe('in-sync')
    const again = await patchSubcloud(lab, '1', {'management-state': 'managed'})
    expect(await errorOf(again)).toEqual({
      status: 422,
      description: 'Bad subcloud request: Subcloud subcloud1 already managed',
    })
    const deleteManaged = await lab.api('/dcmanager/v1.0/subclouds/subcloud1', {method: 'DELETE'})
    expect(await errorOf(deleteManaged)).toEqual({
      status: 400,
      description: "Cannot delete a subcloud that is 'managed' status",
    })
    const detail = (await (await lab.api('/dcmanager/v1.0/subclouds/1/detail')).json()) as Record<string, unknown>
    expect(detail).toMatchObject({
      oam_floating_ip: '10.10.10.12',
      deploy_config_sync_status: 'Deployment: configurations up-to-date',
    })
    const alarms = (await (await lab.api('/dcmanager/v1.0/alarms')).json()) as {
      alarm_summary: Array<Record<string, unknown>>
    }
    expect(alarms.alarm_summary[0]).toMatchObject({region_name: 'subcloud1', critical_alarms: 0, cloud_status: 'OK'})
    // Unmanaged but online: delete still refused (it must be powered down).
    expect((await patchSubcloud(lab, '1', {'management-state': 'unmanaged'})).status).toBe(200)
    expect(await errorOf(await lab.api('/dcmanager/v1.0/subclouds/1', {method: 'DELETE'}))).toEqual({
      status: 422,
      description: 'Subcloud must be powered down to perform this operation.',
    })
  })

  test('management-state rules: invalid value, force syntax, deploy status', async () => {
    const response = await postSubcloud(lab, SIMPLEX)
    const {id} = (await response.json()) as {id: number}
    expect(await errorOf(await patchSubcloud(lab, `${id}`, {'management-state': 'bogus'}))).toEqual({
      status: 400,
      description: 'Invalid management-state',
    })
    expect(await errorOf(await patchSubcloud(lab, `${id}`, {'management-state': 'managed', force: 'maybe'}))).toEqual({
      status: 400,
      description: 'Invalid force value',
    })
    expect(await errorOf(await patchSubcloud(lab, `${id}`, {'management-state': 'unmanaged', force: 'true'}))).toEqual({
      status: 400,
      description: 'Invalid option: force',
    })
    const early = await patchSubcloud(lab, `${id}`, {'management-state': 'managed'})
    if (lab.store.subcloudById(id)?.deployStatus !== 'complete') {
      expect((await errorOf(early)).description).toBe(
        "Bad subcloud request: Unable to manage subcloud1: its deploy_status must be either 'complete' or 'rehome-pending'",
      )
    }
    expect(await errorOf(await patchSubcloud(lab, `${id}`, {'management-state': 'unmanaged'}))).toEqual({
      status: 422,
      description: 'Bad subcloud request: Subcloud subcloud1 already unmanaged',
    })
    const empty = await lab.api(`/dcmanager/v1.0/subclouds/${id}`, {method: 'PATCH'})
    expect(await errorOf(empty)).toEqual({status: 400, description: 'Body required'})
    const jsonBody = await lab.api(`/dcmanager/v1.0/subclouds/${id}`, {
      method: 'PATCH',
      body: '{"management-state": "managed"}',
      headers: {'content-type': 'application/json'},
    })
    expect(jsonBody.status).toBe(500)
    expect(await jsonBody.text()).toBe('')
  })

  test('force manage skips the online check; update description, location and group; rename rules', async () => {
    const id = await addComplete()
    expect(
      (await patchSubcloud(lab, `${id}`, {description: 'new', location: 'here', group_id: 'Default'})).status,
    ).toBe(200)
    expect(lab.store.subcloudById(id)).toMatchObject({description: 'new', location: 'here', groupId: 1})
    expect(await errorOf(await patchSubcloud(lab, `${id}`, {group_id: 'nosuch'}))).toEqual({
      status: 400,
      description: 'Invalid group',
    })
    expect(await errorOf(await patchSubcloud(lab, `${id}`, {name: 'Bad_Name'}))).toEqual({
      status: 400,
      description:
        "Invalid name: must consist of lowercase alphanumeric characters or '-', must start and end with an alphanumeric character, and may contain '.' to separate valid segments.",
    })
    expect(await errorOf(await patchSubcloud(lab, `${id}`, {name: 'subcloud1'}))).toEqual({
      status: 400,
      description:
        'Provided subcloud name subcloud1 is the same as the current subcloud subcloud1. A different name is required to rename the subcloud',
    })
    await lab.store.setRoutes('subcloud1', [{network: '0.0.0.0', prefix: 0}])
    const renamed = await patchSubcloud(lab, `${id}`, {name: 'edge-1'})
    expect(renamed.status).toBe(200)
    expect(lab.store.routesOf('edge-1')).toHaveLength(1)
    const forced = await patchSubcloud(lab, 'edge-1', {'management-state': 'managed', force: 'true'})
    expect(forced.status).toBe(200)
    expect(await errorOf(await patchSubcloud(lab, 'edge-1', {name: 'edge-2'}))).toEqual({
      status: 400,
      description: 'Subcloud edge-1 must be deployed and unmanaged for the subcloud rename operation.',
    })
  })

  test('delete: refused during an active deploy, allowed once deployed and offline', async () => {
    const response = await postSubcloud(lab, SIMPLEX)
    const {id} = (await response.json()) as {id: number}
    await waitFor(
      () => lab.store.subcloudById(id)?.deployStatus,
      (status) => status === 'bootstrapping',
    )
    expect(await errorOf(await lab.api(`/dcmanager/v1.0/subclouds/${id}`, {method: 'DELETE'}))).toEqual({
      status: 400,
      description: 'Cannot delete a subcloud during an active operation.',
    })
    await waitFor(
      () => lab.store.subcloudById(id)?.deployStatus,
      (status) => status === 'complete',
    )
    const deleted = await lab.api(`/dcmanager/v1.0/subclouds/${id}`, {method: 'DELETE'})
    expect(deleted.status).toBe(200)
    expect(await deleted.text()).toBe('null')
    expect(lab.store.subclouds).toHaveLength(0)
  })

  test('delete between two deploy phases (create-complete) stops the deploy: nothing is written afterwards', async () => {
    await lab.stop()
    lab = await startTestLab({timeScale: 0.5})
    const response = await postSubcloud(lab, SIMPLEX)
    const {id} = (await response.json()) as {id: number}
    await waitFor(
      () => lab.store.subcloudById(id)?.deployStatus,
      (status) => status === 'create-complete',
    )
    const deleted = await lab.api(`/dcmanager/v1.0/subclouds/${id}`, {method: 'DELETE'})
    expect(deleted.status).toBe(200)
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(lab.store.subclouds).toHaveLength(0)
    expect(lab.runner.isRunning(id)).toBe(false)
  })

  test('abort while bootstrapping: aborting-bootstrap, then bootstrap-aborted; abort refused otherwise', async () => {
    await lab.stop()
    lab = await startTestLab({timeScale: 0.5})
    const response = await postSubcloud(lab, SIMPLEX)
    const {id} = (await response.json()) as {id: number}
    const early = await lab.api(`/dcmanager/v1.0/phased-subcloud-deploy/${id}/abort`, {method: 'PATCH'})
    expect(await errorOf(early)).toEqual({
      status: 400,
      description:
        'Subcloud deploy status must be in one of the following states: installing, bootstrapping, configuring',
    })
    await waitFor(
      () => lab.store.subcloudById(id)?.deployStatus,
      (status) => status === 'bootstrapping',
    )
    const aborted = await lab.api(`/dcmanager/v1.0/phased-subcloud-deploy/${id}/abort`, {method: 'PATCH'})
    expect(aborted.status).toBe(200)
    expect(((await aborted.json()) as Record<string, unknown>)['deploy-status']).toBe('aborting-bootstrap')
    await waitFor(
      () => lab.store.subcloudById(id)?.deployStatus,
      (status) => status === 'bootstrap-aborted',
    )
  })

  test('a failing bootstrap ends bootstrap-failed with the error description and the resume hint on GET', async () => {
    await lab.stop()
    lab = await startTestLab({failFor: ['subcloud1']})
    const {id} = (await (await postSubcloud(lab, SIMPLEX)).json()) as {id: number}
    await waitFor(
      () => lab.store.subcloudById(id)?.deployStatus,
      (status) => status === 'bootstrap-failed',
    )
    const show = (await (await lab.api(`/dcmanager/v1.0/subclouds/${id}`)).json()) as Record<string, string>
    expect(show['error-description']).toMatch(/^FAILED bootstrapping playbook of \(subcloud1\)\.\ndetail: /)
    expect(show['error-description']).toMatch(
      /\nFor bootstrap failures, please use 'dcmanager subcloud deploy resume' after the cause of failure has been resolved\.$/,
    )
  })

  test('removed verbs answer 410; unknown paths 404; wrong method 405', async () => {
    const id = await addComplete()
    const restore = await lab.api(`/dcmanager/v1.0/subclouds/${id}/restore`, {method: 'PATCH'})
    expect(await errorOf(restore)).toEqual({
      status: 410,
      description: 'This API is deprecated. Please use /v1.0/subcloud-backup/restore',
    })
    expect((await lab.api('/dcmanager/v1.0/nothing')).status).toBe(404)
    expect((await lab.api('/dcmanager/v1.0/alarms', {method: 'POST'})).status).toBe(405)
    const root = await fetch(`${lab.url}/dcmanager/`)
    expect(root.status).toBe(200)
    expect(((await root.json()) as {versions: Array<{id: string}>}).versions[0].id).toBe('v1.0')
  })
})

describe('subcloud groups', () => {
  const post = (body: unknown) =>
    lab.api('/dcmanager/v1.0/subcloud-groups/', {
      method: 'POST',
      body: JSON.stringify(body),
      headers: {'content-type': 'application/json'},
    })
  const patch = (ref: string, body: unknown) =>
    lab.api(`/dcmanager/v1.0/subcloud-groups/${ref}`, {
      method: 'PATCH',
      body: JSON.stringify(body),
      headers: {'content-type': 'application/json'},
    })
  const valid = {name: 'east', description: 'East sites', update_apply_type: 'serial', max_parallel_subclouds: 3}

  test('Default group 1 exists; add, show by name, update, list-subclouds, delete', async () => {
    const list = (await (await lab.api('/dcmanager/v1.0/subcloud-groups')).json()) as {subcloud_groups: unknown[]}
    expect(list.subcloud_groups).toEqual([
      {
        id: 1,
        name: 'Default',
        description: 'Default Subcloud Group',
        update_apply_type: 'parallel',
        max_parallel_subclouds: 2,
        'created-at': null,
        'updated-at': null,
        subcloud_count: 0,
      },
    ])
    const created = await post(valid)
    expect(created.status).toBe(200)
    const group = (await created.json()) as Record<string, unknown>
    expect(Object.keys(group)).toEqual([
      'id',
      'name',
      'description',
      'update_apply_type',
      'max_parallel_subclouds',
      'created-at',
      'updated-at',
    ])
    expect(group).toMatchObject({id: 2, name: 'east', max_parallel_subclouds: 3, 'updated-at': null})
    expect(((await (await lab.api('/dcmanager/v1.0/subcloud-groups/east')).json()) as {id: number}).id).toBe(2)
    const updated = await patch('2', {max_parallel_subclouds: '5', description: 'East'})
    expect(updated.status).toBe(200)
    expect(await updated.json()).toMatchObject({max_parallel_subclouds: 5, description: 'East'})
    await postSubcloud(lab, SIMPLEX, [{name: 'group_id', value: '2'}])
    const members = (await (await lab.api('/dcmanager/v1.0/subcloud-groups/east/subclouds')).json()) as {
      subclouds: Array<Record<string, unknown>>
    }
    expect(members.subclouds.map((s) => s.name)).toEqual(['subcloud1'])
    expect('sync_status' in members.subclouds[0]).toBe(false)
    expect(await errorOf(await lab.api('/dcmanager/v1.0/subcloud-groups/2', {method: 'DELETE'}))).toEqual({
      status: 400,
      description: 'Subcloud Group not empty',
    })
  })

  test('every group rule with its message', async () => {
    const cases: Array<[unknown, string]> = [
      [{...valid, name: ''}, 'Invalid group name'],
      [{...valid, name: '123'}, 'Invalid group name'],
      [{...valid, name: 'a.b'}, 'Invalid group name'],
      [{...valid, name: 'DEFAULT'}, 'Invalid group name'],
      [{...valid, name: 'x'.repeat(256)}, 'Invalid group name'],
      [{...valid, description: ''}, 'Invalid group description'],
      [{...valid, description: 'd'.repeat(255)}, 'Invalid group description'],
      [{...valid, update_apply_type: 'random'}, 'Invalid group update_apply_type'],
      [{...valid, max_parallel_subclouds: 0}, 'Invalid group max_parallel_subclouds'],
      [{...valid, max_parallel_subclouds: 5001}, 'Invalid group max_parallel_subclouds'],
      [{...valid, max_parallel_subclouds: 'two'}, 'Invalid group max_parallel_subclouds'],
      [{}, 'Body required'],
    ]
    for (const [body, message] of cases) {
      expect(await errorOf(await post(body))).toEqual({status: 400, description: message})
    }
    expect((await post(valid)).status).toBe(200)
    expect(await errorOf(await post(valid))).toEqual({
      status: 400,
      description: 'A subcloud group with this name already exists',
    })
    expect(await errorOf(await patch('1', {name: 'renamed'}))).toEqual({
      status: 400,
      description: 'Default group name cannot be changed',
    })
    expect(await errorOf(await patch('2', {foo: 1}))).toEqual({status: 400, description: 'nothing to update'})
    expect(await errorOf(await lab.api('/dcmanager/v1.0/subcloud-groups/1', {method: 'DELETE'}))).toEqual({
      status: 400,
      description: 'Default Subcloud Group may not be deleted',
    })
    expect(await errorOf(await lab.api('/dcmanager/v1.0/subcloud-groups/99'))).toEqual({
      status: 404,
      description: 'Subcloud Group not found',
    })
    const deleted = await lab.api('/dcmanager/v1.0/subcloud-groups/east', {method: 'DELETE'})
    expect(deleted.status).toBe(200)
  })
})

describe('alarms', () => {
  test('one summary per subcloud; -1 and disabled until managed and online', async () => {
    expect(await (await lab.api('/dcmanager/v1.0/alarms')).json()).toEqual({alarm_summary: []})
    await postSubcloud(lab, SIMPLEX)
    const body = (await (await lab.api('/dcmanager/v1.0/alarms')).json()) as {
      alarm_summary: Array<Record<string, unknown>>
    }
    expect(body.alarm_summary).toEqual([
      {
        region_name: 'subcloud1',
        uuid: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/),
        critical_alarms: -1,
        major_alarms: -1,
        minor_alarms: -1,
        warnings: -1,
        cloud_status: 'disabled',
      },
    ])
  })
})

/** python-dcmanagerclient's `_raise_api_exception` (dcmanager-api.md §1.6) applied to an HTML error body. */
function pythonClientMessage(html: string): string {
  const body = /<body>([\s\S]*)<\/body>/.exec(html)?.[1] ?? html
  const lines = body
    .replace(/<[^>]+>/g, '\n')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
  let explanation = lines.length > 1 ? lines[1] : lines[0]
  if (!explanation.endsWith('.')) explanation += '.'
  const details = lines.slice(2).join('\n')
  return details ? `${explanation}\nDetails: ${details}` : explanation
}

describe('error bodies as the python client reads them', () => {
  test('manage of an offline subcloud and delete of a managed one read as in the spec examples', async () => {
    const id = await addComplete()
    const manage = await patchSubcloud(lab, `${id}`, {'management-state': 'managed'})
    expect(manage.status).toBe(422)
    // patchSubcloud asks for JSON; ask again as the python client does (Accept: */*).
    const form = (await import('../../src/lab/http/multipart.js')).buildMultipart([
      {name: 'management-state', value: 'managed'},
    ])
    const html = await lab.api(`/dcmanager/v1.0/subclouds/${id}`, {
      method: 'PATCH',
      body: form.body,
      headers: {'content-type': form.contentType, accept: '*/*'},
    })
    expect(html.headers.get('content-type')).toMatch(/^text\/html/)
    expect(pythonClientMessage(await html.text())).toBe(
      'Unable to process the contained instructions.\nDetails: Subcloud is not online.',
    )
    await lab.store.setRoutes('subcloud1', [{network: '192.168.204.0', prefix: 24}])
    await waitFor(
      () => lab.store.subcloudById(id)?.availabilityStatus,
      (status) => status === 'online',
    )
    expect((await patchSubcloud(lab, `${id}`, {'management-state': 'managed'})).status).toBe(200)
    const deleted = await lab.api(`/dcmanager/v1.0/subclouds/${id}`, {method: 'DELETE', headers: {accept: '*/*'}})
    expect(pythonClientMessage(await deleted.text())).toBe(
      "The server could not comply with the request since it is either malformed or otherwise incorrect.\nDetails: Cannot delete a subcloud that is 'managed' status",
    )
  })

  test('update_status accepts dc-cert only', async () => {
    const id = await addComplete()
    await lab.store.setRoutes('subcloud1', [{network: '192.168.204.0', prefix: 24}])
    await waitFor(
      () => lab.store.subcloudById(id)?.availabilityStatus,
      (status) => status === 'online',
    )
    const update = (body: unknown) =>
      lab.api(`/dcmanager/v1.0/subclouds/${id}/update_status`, {
        method: 'PATCH',
        body: JSON.stringify(body),
        headers: {'content-type': 'application/json'},
      })
    const ok = await update({endpoint: 'dc-cert', status: 'in-sync'})
    expect(await ok.json()).toEqual({result: 'OK'})
    expect(lab.store.subcloudById(id)?.endpointSyncStatus['dc-cert']).toBe('in-sync')
    expect((await update({endpoint: 'platform', status: 'in-sync'})).status).toBe(400)
    // An unmanaged subcloud with dc-cert in sync and the rest unknown lists as out-of-sync (quirk Q14).
    const list = (await (await lab.api('/dcmanager/v1.0/subclouds')).json()) as {
      subclouds: Array<{sync_status: string}>
    }
    expect(list.subclouds[0].sync_status).toBe('out-of-sync')
  })
})

describe('concurrent adds', () => {
  test('the same subcloud posted 10 times at once is added once; the others get 409', async () => {
    const responses = await Promise.all(Array.from({length: 10}, () => postSubcloud(lab, SIMPLEX)))
    const statuses = responses.map((response) => response.status).sort()
    expect(statuses).toEqual([200, 409, 409, 409, 409, 409, 409, 409, 409, 409])
    expect(lab.store.subclouds).toHaveLength(1)
  })
})
