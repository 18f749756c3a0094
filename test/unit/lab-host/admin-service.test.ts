import {promises as fs} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from '@jest/globals'

import {hostAdminMount} from '../../../src/lab/hosts/host-admin-service.js'
import type {LabRequest} from '../../../src/lab/http/http-types.js'
import type {LabMount, LabMountContext} from '../../../src/lab/http/lab-mounts.js'
import {parseExtraVars, parsePlaybookArgs} from '../../../src/lab/hosts/ssh-host-ansible.js'

/** The /lab/hosts service on its own: requests in, status and bodies out (no HTTP server). */
let dataDir: string
let mount: LabMount

const request = (method: string, subpath: string, body?: unknown, token: string | null = 'good'): LabRequest => ({
  method,
  path: subpath,
  query: new URLSearchParams(),
  headers: token ? {'x-auth-token': token} : {},
  body: Buffer.from(body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body)),
})

beforeAll(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'dcm-lab-admin-'))
  const keystone = {validate: (token?: string) => (token === 'good' ? {id: token} : undefined)}
  mount = hostAdminMount({dataDir, keystone} as unknown as LabMountContext)
})

afterAll(async () => {
  await mount?.close?.()
  if (dataDir) await fs.rm(dataDir, {recursive: true, force: true})
})

describe('/lab/hosts', () => {
  it('needs a valid token', async () => {
    expect((await mount.service(request('GET', '/', undefined, null))).status).toBe(401)
    expect((await mount.service(request('GET', '/', undefined, 'bad'))).status).toBe(401)
  })

  it('adds, shows, lists and deletes a host; never echoes the password', async () => {
    const added = await mount.service(
      request('POST', '/', {name: 'subcloud1', bootstrap_address: '10.10.10.12', password: 'pw-123', duration: 1}),
    )
    expect(added.status).toBe(201)
    expect(JSON.stringify(added.body)).not.toContain('pw-123')
    expect(added.body).toMatchObject({
      host: {name: 'subcloud1', bootstrap_address: '10.10.10.12', duration: 1, fail_at: null, bootstrapped: false},
      ssh_config: path.join(dataDir, 'ssh_config'),
      known_hosts: path.join(dataDir, 'known_hosts'),
    })
    expect((await mount.service(request('GET', '/subcloud1'))).status).toBe(200)
    const listed = await mount.service(request('GET', '/'))
    expect((listed.body as {hosts: unknown[]}).hosts).toHaveLength(1)
    expect((await mount.service(request('DELETE', '/subcloud1'))).status).toBe(200)
    expect((await mount.service(request('GET', '/subcloud1'))).status).toBe(404)
  })

  it('answers 400/409/404/405 with one message', async () => {
    expect(await mount.service(request('POST', '/', '{not json'))).toEqual({
      status: 400,
      body: {error: {message: 'The request body is not valid JSON.'}},
    })
    const bad = await mount.service(request('POST', '/', {name: 'x', bootstrap_address: '999.1.1.1', password: 'p'}))
    expect(bad).toEqual({
      status: 400,
      body: {error: {message: "invalid bootstrap address '999.1.1.1': not an IP address"}},
    })
    await mount.service(request('POST', '/', {name: 'a', bootstrap_address: '10.1.1.1', password: 'p'}))
    const taken = await mount.service(request('POST', '/', {name: 'a', bootstrap_address: '10.1.1.2', password: 'p'}))
    expect(taken.status).toBe(409)
    expect((await mount.service(request('DELETE', '/nope'))).status).toBe(404)
    expect((await mount.service(request('PUT', '/'))).status).toBe(405)
    const failAt = await mount.service(
      request('POST', '/', {name: 'b', bootstrap_address: '10.1.1.3', password: 'p', fail_at: 'nothing like it'}),
    )
    expect(failAt.status).toBe(400)
    expect((failAt.body as {error: {hint: string}}).error.hint).toContain('bootstrap/apply-manifest')
  })
})

describe('ansible-playbook arguments', () => {
  it("parses dcmanager's command line (-i, --limit, -e with quotes)", () => {
    expect(
      parsePlaybookArgs([
        '/usr/share/ansible/stx-ansible/playbooks/bootstrap.yml',
        '-i',
        '/opt/dc-vault/ansible/subcloud1_inventory.yml',
        '--limit',
        'subcloud1',
        '-e',
        "override_files_dir='/opt/dc-vault/ansible' region_name=2c9f0e6a",
        '--extra-vars=install_release_version=24.09',
      ]),
    ).toEqual({
      playbook: '/usr/share/ansible/stx-ansible/playbooks/bootstrap.yml',
      inventory: '/opt/dc-vault/ansible/subcloud1_inventory.yml',
      limit: 'subcloud1',
      extraVars: {
        override_files_dir: '/opt/dc-vault/ansible',
        region_name: '2c9f0e6a',
        install_release_version: '24.09',
      },
    })
    expect(parseExtraVars('{"a": 1, "b": "x y"}')).toEqual({a: '1', b: 'x y'})
    expect(parseExtraVars('a="x y" b=\'z\'')).toEqual({a: 'x y', b: 'z'})
  })
})
