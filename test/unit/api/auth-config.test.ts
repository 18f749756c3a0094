import {afterAll, beforeAll, describe, expect, it} from '@jest/globals'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {resolveAuthConfig} from '../../../src/core/api/auth-config.js'
import {findEndpoint, normaliseInterface} from '../../../src/core/api/catalog.js'
import {UsageError} from '../../../src/core/errors.js'

/** The settings resolution of dcmanager-api.md §1.1 plus --os-cloud: flag > clouds.yaml > OS_* > default. */
const openrc = {
  OS_AUTH_URL: 'http://192.168.204.1:5000/v3',
  OS_USERNAME: 'admin',
  OS_PASSWORD: 'openrc-pw',
  OS_PROJECT_NAME: 'admin',
  OS_USER_DOMAIN_NAME: 'Default',
  OS_PROJECT_DOMAIN_NAME: 'Default',
  OS_REGION_NAME: 'RegionOne',
}

describe('resolveAuthConfig', () => {
  let dir: string
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'dcm-clouds-'))
    writeFileSync(
      path.join(dir, 'clouds.yaml'),
      [
        'clouds:',
        '  dc1:',
        '    auth:',
        '      auth_url: https://10.20.0.2:5000/v3',
        '      username: operator',
        '      project_name: admin',
        '      user_domain_name: Default',
        '      project_domain_name: Default',
        '    interface: public',
        '    cacert: ca.pem',
        '  lab:',
        '    auth: {auth_url: "http://127.0.0.1:1/v3", username: admin, password: p, project_name: admin}',
        '    verify: false',
        '',
      ].join('\n'),
    )
    writeFileSync(path.join(dir, 'secure.yaml'), 'clouds:\n  dc1:\n    auth:\n      password: from-secure-yaml\n')
  })
  afterAll(() => rmSync(dir, {recursive: true, force: true}))

  it('reads the openrc environment; internal interface and no dcmanager URL by default', async () => {
    const config = await resolveAuthConfig({}, openrc)
    expect(config.credentials).toMatchObject({authUrl: openrc.OS_AUTH_URL, username: 'admin', password: 'openrc-pw'})
    expect(config.interface).toBe('internal')
    expect(config.regionName).toBe('RegionOne')
    expect(config.dcmanagerUrl).toBeUndefined()
    expect(config.insecure).toBe(false)
    expect(config.connectTimeoutMs).toBe(10_000)
  })

  it('OS_INTERFACE wins over OS_ENDPOINT_TYPE; publicURL spelling is accepted; OS_TENANT_NAME wins', async () => {
    expect((await resolveAuthConfig({}, {...openrc, OS_ENDPOINT_TYPE: 'publicURL'})).interface).toBe('public')
    expect(
      (await resolveAuthConfig({}, {...openrc, OS_ENDPOINT_TYPE: 'publicURL', OS_INTERFACE: 'admin'})).interface,
    ).toBe('admin')
    expect((await resolveAuthConfig({}, {...openrc, OS_TENANT_NAME: 'services'})).credentials.projectName).toBe(
      'services',
    )
    await expect(resolveAuthConfig({interface: 'sideways'}, openrc)).rejects.toThrow(
      "invalid endpoint interface 'sideways'",
    )
  })

  it('flags win over the environment', async () => {
    const config = await resolveAuthConfig(
      {username: 'bob', password: 'flag-pw', dcmanagerUrl: 'http://x:8119/v1.0/'},
      openrc,
    )
    expect(config.credentials.username).toBe('bob')
    expect(config.credentials.password).toBe('flag-pw')
    expect(config.dcmanagerUrl).toBe('http://x:8119/v1.0')
  })

  it("fails before any request with the client's messages, in its order (exit 2)", async () => {
    const without = (key: string) => Object.fromEntries(Object.entries(openrc).filter(([k]) => k !== key))
    const message = async (env: Record<string, string>) =>
      ((await resolveAuthConfig({}, env).catch((e: unknown) => e)) as UsageError).message
    expect(await message(without('OS_PROJECT_NAME'))).toBe(
      'You must provide a project name via --os-project-name or env[OS_PROJECT_NAME]',
    )
    expect(await message(without('OS_PASSWORD'))).toBe('You must provide a password via --os-password env[OS_PASSWORD]')
    expect(await message(without('OS_AUTH_URL'))).toBe(
      'You must provide an auth url via either --os-auth-url or env[OS_AUTH_URL]',
    )
    // Nothing at all is named as such, not as the first of the missing values.
    expect(await message({})).toBe('No OpenStack credentials found: no OS_* variables, --os-* flags or --os-cloud')
    await expect(resolveAuthConfig({}, without('OS_PASSWORD'))).rejects.toBeInstanceOf(UsageError)
    // A token replaces the password (OS_AUTH_TOKEN), but the auth URL is still needed.
    const token = await resolveAuthConfig({}, {...without('OS_PASSWORD'), OS_AUTH_TOKEN: 'tok'})
    expect(token.credentials.token).toBe('tok')
  })

  it('--os-cloud reads clouds.yaml, merges secure.yaml, resolves cacert beside the file', async () => {
    const env = {OS_CLIENT_CONFIG_FILE: path.join(dir, 'clouds.yaml')}
    const config = await resolveAuthConfig({cloud: 'dc1'}, env)
    expect(config.credentials).toMatchObject({
      authUrl: 'https://10.20.0.2:5000/v3',
      username: 'operator',
      password: 'from-secure-yaml',
    })
    expect(config.interface).toBe('public')
    expect(config.cacert).toBe(path.join(dir, 'ca.pem'))
    expect((await resolveAuthConfig({}, {...env, OS_CLOUD: 'lab'})).insecure).toBe(true)
    // An explicit flag still wins over the cloud entry; the cloud entry wins over OS_* variables.
    const mixed = await resolveAuthConfig({cloud: 'dc1', username: 'flag-user'}, {...env, OS_PASSWORD: 'env-pw'})
    expect(mixed.credentials.username).toBe('flag-user')
    expect(mixed.credentials.password).toBe('from-secure-yaml')
    await expect(resolveAuthConfig({cloud: 'nope'}, env)).rejects.toThrow(
      `cloud 'nope' not found in ${path.join(dir, 'clouds.yaml')}`,
    )
  })
})

describe('catalog', () => {
  const catalog = [
    {type: 'identity', endpoints: [{interface: 'internal', region: 'RegionOne', url: 'http://k/v3'}]},
    {
      type: 'dcmanager',
      endpoints: [
        {interface: 'public', region: 'SystemController', url: 'https://oam:8119/v1.0'},
        {interface: 'internal', region: 'SystemController', url: 'http://mgmt:8119/v1.0'},
      ],
    },
  ]

  it('picks by type and interface, region only when given', () => {
    expect(findEndpoint(catalog, 'dcmanager', {interface: 'internal'})).toBe('http://mgmt:8119/v1.0')
    expect(findEndpoint(catalog, 'dcmanager', {interface: 'public'})).toBe('https://oam:8119/v1.0')
    expect(findEndpoint(catalog, 'dcmanager', {interface: 'internal', region: 'RegionOne'})).toBeUndefined()
    expect(findEndpoint(catalog, 'dcmanager', {interface: 'admin'})).toBeUndefined()
  })

  it('normalises interface spellings', () => {
    expect(['internalURL', 'internal', 'PUBLICURL', 'adminURL', 'x'].map(normaliseInterface)).toEqual([
      'internal',
      'internal',
      'public',
      'admin',
      undefined,
    ])
  })
})
