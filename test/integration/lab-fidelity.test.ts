import {afterAll, beforeAll, describe, expect, test} from '@jest/globals'
import {stringify} from 'yaml'

import {seedFleet} from '../../src/lab/scenarios/fleet.js'
import {startTestLab, type TestLab} from '../helpers/lab.js'
import {errorOf, labFixture, postSubcloud} from '../helpers/lab-requests.js'

/**
 * Issue 17: the lab answers as upstream dcmanager's own API tests expect (test_subclouds.py,
 * test_subcloud_group.py, test_root_controller.py), replayed over HTTP against one started lab: the request,
 * upstream's status and upstream's exact text. Cases added from dcmanager-api.md where upstream has none.
 */
let lab: TestLab
beforeAll(async () => {
  lab = await startTestLab()
  await seedFleet(lab.store, {count: 1, prefix: 'edge'})
})
afterAll(async () => {
  await lab.stop()
})

const SIMPLEX = labFixture('valid-simplex-ipv4')
const SIMPLEX_V6 = labFixture('valid-simplex-ipv6')
const BMC_PASSWORD = Buffer.from('bmc-secret').toString('base64')
/** upstream's FAKE_SUBCLOUD_INSTALL_VALUES shape: every MANDATORY_INSTALL_VALUES key. */
const INSTALL = {
  bootstrap_interface: 'eno1',
  bootstrap_address: '10.10.10.12',
  bootstrap_address_prefix: 24,
  install_type: 3,
  bmc_username: 'root',
  bmc_address: '10.10.10.200',
  persistent_size: 30000,
}

async function addWithInstall(
  install: Record<string, unknown> | string,
  bootstrapValues = SIMPLEX,
): Promise<{status: number; description: string}> {
  const text = typeof install === 'string' ? install : stringify(install)
  const response = await postSubcloud(lab, bootstrapValues, [
    {name: 'install_values', value: text, filename: 'install.yaml'},
    {name: 'bmc_password', value: BMC_PASSWORD},
  ])
  if (response.status === 200) return {status: 200, description: ''}
  return errorOf(response)
}

const without = (key: string): Record<string, unknown> => {
  const copy: Record<string, unknown> = {...INSTALL}
  delete copy[key]
  return copy
}

describe('install values on POST /subclouds (one implementation with the client, core/overrides)', () => {
  test.each([
    ['no bootstrap_address', without('bootstrap_address'), 'Mandatory install value bootstrap_address not present'],
    ['no install_type', without('install_type'), 'Mandatory install value install_type not present'],
    [
      'bootstrap_address: null',
      {...INSTALL, bootstrap_address: null},
      'bootstrap_address invalid: failed to detect a valid IP address from None',
    ],
    [
      'nexthop_gateway: null',
      {...INSTALL, nexthop_gateway: null},
      'nexthop_gateway invalid: failed to detect a valid IP address from None',
    ],
    ['install_type out of range', {...INSTALL, install_type: 6}, 'install_type invalid: 6'],
    ['install_type empty', {...INSTALL, install_type: ''}, 'install_type invalid: '],
    ['install_type null', {...INSTALL, install_type: null}, 'install_type invalid: None'],
    [
      'bmc_address: null',
      {...INSTALL, bmc_address: null},
      'bmc_address invalid: failed to detect a valid IP address from None',
    ],
    [
      'IPv6 network shorter than /64',
      {
        ...INSTALL,
        bootstrap_address: 'fd01::12',
        bmc_address: '2001:db8:10::200',
        nexthop_gateway: 'fd01::1',
        network_address: 'fd02::',
        network_mask: 48,
      },
      'network address invalid: IPv6 minimum prefix length is 64',
    ],
    [
      'network not a subnet',
      {...INSTALL, nexthop_gateway: '10.10.10.1', network_address: '192.168.1.0', network_mask: 33},
      'network address invalid: Invalid subnet - not a valid IP subnet',
    ],
  ])('%s: 400 with upstream text', async (_name, install, message) => {
    const v6 = String(install.bootstrap_address).includes(':')
    expect(await addWithInstall(install, v6 ? SIMPLEX_V6 : SIMPLEX)).toEqual({status: 400, description: message})
    expect(lab.store.subcloudByName('subcloud1')).toBeUndefined()
  })

  test('the BMC password comes first, before any key check', async () => {
    const response = await postSubcloud(lab, SIMPLEX, [
      {name: 'install_values', value: stringify(without('bootstrap_address')), filename: 'install.yaml'},
    ])
    expect(await errorOf(response)).toEqual({status: 400, description: 'subcloud bmc_password required'})
  })
})

describe('YAML errors in uploaded values: PyYAML problem_mark, lines counted from 0', () => {
  test('upstream test_post_fails_with_invalid_upload_files: a bad last line (line 11) is line 10', async () => {
    const lines = Array.from({length: 10}, (_, index) => `key${index}: value${index}`).join('\n')
    const response = await postSubcloud(lab, `${lines}\nkey:value`)
    expect(await errorOf(response)).toEqual({
      status: 400,
      description: 'Error: Unable to load bootstrap_values file contents (problem on line: 10).',
    })
  })

  test.each([
    ['an unclosed flow sequence', 'name: [a\nsystem_mode: x\n', 1],
    ['a mapping value inside a plain scalar', 'a: b: c\n', 0],
    ['a key over two lines', 'a:\n- b\n c: d\n', 2],
  ])('%s: the line PyYAML reports', async (_name, text, line) => {
    const response = await postSubcloud(lab, text)
    expect(await errorOf(response)).toEqual({
      status: 400,
      description: `Error: Unable to load bootstrap_values file contents (problem on line: ${line}).`,
    })
  })

  test('install values: the same text with their own field name', async () => {
    expect(await addWithInstall('bootstrap_interface: eno1\nbootstrap_address: [\n')).toEqual({
      status: 400,
      description: 'Error: Unable to load install_values file contents (problem on line: 2).',
    })
  })

  test('a file of comments only is empty, as yaml.safe_load gives None', async () => {
    const response = await postSubcloud(lab, '# nothing here\n')
    expect(await errorOf(response)).toEqual({
      status: 400,
      description: 'Error: Unable to load bootstrap_values file contents (empty file provided).',
    })
  })
})

describe('PATCH /subclouds/{id}/update_status: upstream texts and order', () => {
  const updateStatus = async (body: unknown) =>
    errorOf(
      await lab.api('/dcmanager/v1.0/subclouds/edge1/update_status', {
        method: 'PATCH',
        headers: {'content-type': 'application/json', accept: 'application/json'},
        body: JSON.stringify(body),
      }),
    )

  test.each([
    ['no endpoint', {status: 'in-sync'}, 'endpoint required'],
    ['an empty endpoint', {endpoint: '', status: 'in-sync'}, 'endpoint required'],
    ['another endpoint, before the status', {endpoint: 'platform'}, 'updating endpoint platform status is not allowed'],
    ['no status', {endpoint: 'dc-cert'}, 'status required'],
    ['an unknown status', {endpoint: 'dc-cert', status: 'fake'}, 'status fake in invalid.'],
  ])('%s', async (_name, body, message) => {
    expect(await updateStatus(body)).toEqual({status: 400, description: message})
  })

  test('dc-cert out-of-sync is stored, and kept by the audit while unmanaged', async () => {
    const edge = lab.store.subcloudByName('edge1')!
    lab.store.updateSubcloud(edge.id, {managementState: 'unmanaged'})
    const response = await lab.api('/dcmanager/v1.0/subclouds/edge1/update_status', {
      method: 'PATCH',
      headers: {'content-type': 'application/json'},
      body: JSON.stringify({endpoint: 'dc-cert', status: 'out-of-sync'}),
    })
    expect([response.status, await response.json()]).toEqual([200, {result: 'OK'}])
    lab.audit()
    expect(lab.store.subcloudByName('edge1')!.endpointSyncStatus['dc-cert']).toBe('out-of-sync')
    lab.store.updateSubcloud(edge.id, {managementState: 'managed'})
  })
})

describe('groups: upstream rename rules (test_subcloud_group.py)', () => {
  const patchGroup = async (ref: string, body: unknown) =>
    lab.api(`/dcmanager/v1.0/subcloud-groups/${ref}`, {
      method: 'PATCH',
      headers: {'content-type': 'application/json', accept: 'application/json'},
      body: typeof body === 'string' ? body : JSON.stringify(body),
    })

  beforeAll(async () => {
    const response = await lab.api('/dcmanager/v1.0/subcloud-groups', {
      method: 'POST',
      headers: {'content-type': 'application/json'},
      body: JSON.stringify({
        name: 'rack1',
        description: 'rack 1',
        update_apply_type: 'parallel',
        max_parallel_subclouds: 2,
      }),
    })
    expect(response.status).toBe(200)
  })

  test.each([
    ['Default, as the Default group itself', 'Default', {name: 'Default'}, 'Invalid group name'],
    ['default in any case', 'rack1', {name: 'DEFAULT'}, 'Invalid group name'],
    ['digits only', 'rack1', {name: '123'}, 'Invalid group name'],
    ['a regular-expression character', 'rack1', {name: 'rack*'}, 'Invalid group name'],
    ['a new name for the Default group', 'Default', {name: 'new name'}, 'Default group name cannot be changed'],
    ['only unknown keys', 'rack1', {fake: 'value'}, 'nothing to update'],
    ['only falsy values', 'rack1', {name: '', description: null}, 'nothing to update'],
    ['a body that is not JSON', 'rack1', '{name', 'Body required'],
  ])('%s: 400', async (_name, ref, body, message) => {
    expect(await errorOf(await patchGroup(ref, body))).toEqual({status: 400, description: message})
  })

  test('an unknown group is looked up after the body', async () => {
    expect(await errorOf(await patchGroup('nosuch', {name: 'x'}))).toEqual({
      status: 404,
      description: 'Subcloud Group not found',
    })
    expect(await errorOf(await patchGroup('nosuch', ''))).toEqual({status: 400, description: 'Body required'})
  })

  test('a valid rename succeeds', async () => {
    const response = await patchGroup('rack1', {name: 'rack-one', max_parallel_subclouds: 3})
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({name: 'rack-one', max_parallel_subclouds: 3})
  })
})

describe("routing answers as upstream's pecan controllers give them", () => {
  const call = (method: string, path: string, init: {token?: string | null; body?: string} = {}) =>
    lab.api(`/dcmanager${path}`, {
      method,
      token: init.token,
      headers: {'content-type': 'application/json', accept: 'application/json'},
      body: init.body,
    })

  test('PATCH /subclouds without an id: 400 Subcloud ID required', async () => {
    expect(await errorOf(await call('PATCH', '/v1.0/subclouds', {body: '{"description": "x"}'}))).toEqual({
      status: 400,
      description: 'Subcloud ID required',
    })
  })

  test('an unknown PATCH verb: 200 null once the subcloud is found (upstream falls through), else 404', async () => {
    const response = await call('PATCH', '/v1.0/subclouds/edge1/fake', {body: '{}'})
    expect([response.status, response.headers.get('content-type'), await response.text()]).toEqual([
      200,
      'application/json',
      'null',
    ])
    expect(await errorOf(await call('PATCH', '/v1.0/subclouds/nosuch/fake', {body: '{}'}))).toEqual({
      status: 404,
      description: 'Subcloud not found',
    })
  })

  test('prestage and redeploy read their bodies as upstream: JSON for prestage, multipart for redeploy', async () => {
    expect(await errorOf(await call('PATCH', '/v1.0/subclouds/edge1/prestage', {body: '{}'}))).toEqual({
      status: 400,
      description: 'sysadmin_password is required.',
    })
    expect((await call('PATCH', '/v1.0/subclouds/edge1/redeploy', {body: '{}'})).status).toBe(500)
  })

  test.each(['/v1.0/subclouds', '/v1.0/subcloud-groups'])('PUT on the collection %s: 405', async (path) => {
    expect((await call('PUT', path, {body: '{}'})).status).toBe(405)
  })

  test.each(['POST', 'PUT', 'PATCH', 'DELETE', 'HEAD'])(
    '%s on the root document: 405, no token needed',
    async (method) => {
      expect((await call(method, '/', {token: null})).status).toBe(405)
    },
  )

  test('GET on the root document needs no token', async () => {
    expect((await call('GET', '/', {token: null})).status).toBe(200)
  })

  test.each([
    ['GET', '/', null],
    ['GET', '/v1.0/subclouds', undefined],
    ['GET', '/v1.0/subclouds/nosuch', undefined],
    ['DELETE', '/', null],
    ['GET', '/v1.0/subclouds', null],
    ['GET', '/v1.0/sw-update-strategy', undefined],
  ])('x-openstack-request-id on %s %s (token %s)', async (method, path, token) => {
    const response = await call(method, path, {token})
    expect(response.headers.get('x-openstack-request-id')).toMatch(
      /^req-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    )
  })
})
