import {afterAll, beforeAll, beforeEach, describe, expect, it} from '@jest/globals'
import {spawn} from 'node:child_process'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {Ajv, type ValidateFunction} from 'ajv'
import {parse as parseYaml} from 'yaml'

import {fixturesDir, repoRoot, runDcm} from '../helpers/cli.js'
import {FaultServer, failure, json, multipartParts, parseMultipart, type SeenRequest} from '../faults/fault-server.js'

/**
 * The client side of `subcloud-backup create|delete|restore`, `subcloud redeploy|prestage` and the deprecated
 * `subcloud reconfig|reinstall|restore` (issue 11) through the built CLI against the counting fault server:
 * upstream's client checks and offline values checks send nothing (exit 2), every request matches dc-openapi.yaml,
 * the output of `prestage` and `backup create` is the upstream client's for the same answer (its unit-test
 * fixtures, dcmanager-api.md §6), and --wait ends with 0/1/4 on the states the server walks through.
 */
const server = new FaultServer()
let scratch: string
const DC = '/dcmanager/v1.0'
const PASSWORD = 'Day2-Sysadmin-1'

beforeAll(async () => {
  await server.start()
  scratch = mkdtempSync(path.join(os.tmpdir(), 'dcm-day2-'))
})
afterAll(async () => {
  await server.stop()
  rmSync(scratch, {recursive: true, force: true})
})
beforeEach(() => server.reset())

const file = (name: string, content: string) => {
  const target = path.join(scratch, name)
  writeFileSync(target, content)
  return target
}
const dcm = (args: string[], env: Record<string, string> = {DCM_SYSADMIN_PASSWORD: PASSWORD}) =>
  runDcm(args, {env: server.env(env), timeoutMs: 60_000})

/** A subcloud as dcmanager answers it (dcmanager-api.md §3.1). */
function subcloud(id: number, name: string, fields: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    id,
    name,
    description: `${name} description`,
    location: `${name} location`,
    'software-version': '24.09',
    'management-state': 'managed',
    'availability-status': 'online',
    'deploy-status': 'complete',
    'backup-status': null,
    'backup-datetime': null,
    'error-description': 'No errors present',
    'region-name': `${id}`.padStart(32, '0'),
    'management-subnet': `192.168.${100 + id}.0/24`,
    'management-start-ip': `192.168.${100 + id}.2`,
    'management-end-ip': `192.168.${100 + id}.50`,
    'management-gateway-ip': `192.168.${100 + id}.1`,
    'openstack-installed': false,
    'prestage-status': null,
    'prestage-versions': null,
    'systemcontroller-gateway-ip': '192.168.204.101',
    data_install: null,
    data_upgrade: null,
    'created-at': '2026-12-01 10:00:00.000001',
    'updated-at': '2026-12-01 10:00:00.000002',
    group_id: 1,
    peer_group_id: null,
    rehome_data: null,
    ...fields,
  }
}

describe('client checks: upstream texts, exit 2, nothing sent', () => {
  async function refused(args: string[], message: string | RegExp, env?: Record<string, string>) {
    const result = await dcm(args, env)
    expect(result.code).toBe(2)
    if (typeof message === 'string') expect(result.stderr).toBe(`Error: ${message}\n`)
    else expect(result.stderr).toMatch(message)
    expect(result.stdout).toBe('')
    expect(server.requests).toHaveLength(0)
  }

  it.each([
    [['subcloud-backup', 'create'], 'Please provide the subcloud or subcloud group name or id.'],
    [['subcloud-backup', 'create', '--subcloud', ''], 'Please provide the subcloud or subcloud group name or id.'],
    [
      ['subcloud-backup', 'create', '--subcloud', 'sc1', '--group', 'g1'],
      'The command only applies to a single subcloud or a subcloud group, not both.',
    ],
    [
      ['subcloud-backup', 'create', '--subcloud', 'sc1', '--registry-images'],
      'Option --registry-images can not be used without --local-only option.',
    ],
    [
      ['subcloud-backup', 'create', '--subcloud', 'sc1', '--backup-values', '/nonexistent/b.yml'],
      'Backup-values file does not exist: /nonexistent/b.yml',
    ],
    [
      ['subcloud-backup', 'create', '--subcloud', 'sc1', '-f', 'csv'],
      "invalid choice: 'csv' (choose from 'json', 'shell', 'table', 'value', 'yaml')",
    ],
    [['subcloud-backup', 'delete', '24.09'], 'Please provide the subcloud or subcloud group name or id.'],
    [
      ['subcloud-backup', 'delete', '24.09', '--subcloud', 'sc1', '--group', 'g1'],
      'This command only applies to a single subcloud or a subcloud group, not both.',
    ],
    [
      ['subcloud-backup', 'restore', '--group', 'g1', '--registry-images'],
      'Option --registry-images cannot be used without --local-only option.',
    ],
    [
      ['subcloud-backup', 'restore', '--subcloud', 'sc1', '--release', '24.09'],
      'Option --release cannot be used without --with-install or --factory option.',
    ],
    [
      ['subcloud-backup', 'restore', '--subcloud', 'sc1', '--restore-values', '/nonexistent/r.yml'],
      'restore_values file does not exist: /nonexistent/r.yml',
    ],
    [
      ['subcloud', 'prestage', 'sc1', '--for-install', '--for-sw-deploy'],
      'Options --for-install and --for-sw-deploy cannot be combined',
    ],
    [
      ['subcloud', 'redeploy', 'sc1', '--install-values', '/nonexistent/i.yml'],
      'install-values does not exist: /nonexistent/i.yml',
    ],
    [
      ['subcloud', 'redeploy', 'sc1', '--bootstrap-values', '/nonexistent/b.yml'],
      'bootstrap-values does not exist: /nonexistent/b.yml',
    ],
    [
      ['subcloud', 'redeploy', 'sc1', '--deploy-config', '/nonexistent/d.yml'],
      'deploy-config does not exist: /nonexistent/d.yml',
    ],
  ])('%j', async (args, message) => {
    await refused(args, message)
  })

  it('backup values: not a mapping, or a wrong type, named at file:line:col', async () => {
    const list = file('list.yml', '- a\n- b\n')
    await refused(
      ['subcloud-backup', 'create', '--subcloud', 'sc1', '--backup-values', list],
      `${list}:1:1: the top level must be a mapping of parameter names to values, not a list`,
    )
    const typed = file('typed.yml', 'backup_dir: /opt/backups\nmax_home_dir_usage: lots\n')
    await refused(
      ['subcloud-backup', 'create', '--group', 'g1', '--backup-values', typed],
      `${typed}:2:21: max_home_dir_usage must be a whole number of MB`,
    )
  })

  it('restore values: bootstrap_address must map subcloud names to addresses; restore_timeout numeric', async () => {
    const flat = file('flat.yml', 'bootstrap_address: 10.10.10.12\n')
    await refused(
      ['subcloud-backup', 'restore', '--subcloud', 'sc1', '--restore-values', flat],
      `${flat}:1:20: The bootstrap_address provided in restore_values is in invalid format.`,
    )
    const bad = file('bad-address.yml', 'bootstrap_address:\n  sc1: 10.10.10.12\n  sc2: 10.10.10.300\n')
    await refused(
      ['subcloud-backup', 'restore', '--group', 'g1', '--restore-values', bad],
      `${bad}:3:8: bootstrap_address.sc2: Subcloud sc2 must have a valid bootstrap address: 10.10.10.300`,
    )
    const timeout = file('timeout.yml', 'restore_timeout: soon\n')
    await refused(
      ['subcloud-backup', 'restore', '--subcloud', 'sc1', '--restore-values', timeout],
      `${timeout}:1:18: restore_timeout in restore_values must be a numeric value in seconds.`,
    )
  })

  it("redeploy install values: upstream's rule, at the key's line", async () => {
    const install = file(
      'install.yml',
      'bootstrap_interface: eno1\nbootstrap_address: 10.10.10.12\nbootstrap_address_prefix: 24\ninstall_type: 9\nbmc_address: 10.10.10.2\nbmc_username: root\n',
    )
    await refused(
      ['subcloud', 'redeploy', 'sc1', '--install-values', install, '--bmc-password', 'Bmc-1'],
      `${install}:4:15: install_type invalid: 9`,
    )
  })

  it('no password and no terminal: the ways to give it, nothing sent', async () => {
    await refused(
      ['subcloud-backup', 'create', '--subcloud', 'sc1'],
      /^Error: the sysadmin password is required: no terminal to prompt on\nHint: .*--sysadmin-password-stdin.*DCM_SYSADMIN_PASSWORD/,
      {},
    )
  })

  it('CLI_CONFIRMATIONS=enabled without a terminal: restore --subcloud, delete, redeploy refuse without --yes', async () => {
    const confirming = {DCM_SYSADMIN_PASSWORD: PASSWORD, CLI_CONFIRMATIONS: 'enabled'}
    for (const args of [
      ['subcloud-backup', 'restore', '--subcloud', 'sc1'],
      ['subcloud-backup', 'delete', '24.09', '--subcloud', 'sc1'],
      ['subcloud', 'redeploy', 'sc1'],
    ])
      await refused(
        args,
        /^Error: confirmation required \(CLI_CONFIRMATIONS=enabled\): no terminal to prompt on\nHint: pass --yes\n$/,
        confirming,
      )
    // Upstream's --group restore is a Lister, which never asks (dcmanager-api.md Q17).
    server.on('PATCH', `${DC}/subcloud-backup/restore`, json({subclouds: [subcloud(1, 'sc1')]}))
    const group = await dcm(['subcloud-backup', 'restore', '--group', 'g1'], confirming)
    expect(group.code).toBe(0)
  })

  it.each([
    [['subcloud', 'reconfig'], "This command has been deprecated. Please use 'subcloud deploy config' instead."],
    [['subcloud', 'reinstall', '--yes'], "This command has been deprecated. Please use 'subcloud redeploy' instead."],
    [['subcloud', 'restore'], 'This command has been deprecated. Please use subcloud-backup restore instead.'],
  ])('deprecated %j: upstream text, exit 1, nothing sent', async (args, message) => {
    const result = await dcm(args)
    expect({code: result.code, stderr: result.stderr, stdout: result.stdout}).toEqual({
      code: 1,
      stderr: `Error: ${message}\n`,
      stdout: '',
    })
    expect(server.requests).toHaveLength(0)
  })
})

/** Multipart parts in the order sent: name, filename (files only), value. */
function multipart(request: SeenRequest): Array<{name: string; filename?: string; value: string}> {
  const contentType = String(request.headers['content-type'])
  const values = parseMultipart(request.body, contentType)
  return multipartParts(request.body, contentType).map((part) => ({...part, value: values.get(part.name) ?? ''}))
}

describe('contract with dc-openapi.yaml', () => {
  const reference = path.join(fixturesDir, 'reference', 'dcmanager')
  const openapi = parseYaml(readFileSync(path.join(reference, 'dc-openapi.yaml'), 'utf8'), {uniqueKeys: false}) as {
    paths: Record<
      string,
      Record<string, {operationId: string; requestBody?: {content: Record<string, {schema: unknown}>}}>
    >
    components: Record<string, unknown>
  }
  const ajv = new Ajv({strict: false, coerceTypes: true, validateFormats: false, allErrors: true})
  ajv.addSchema({$id: 'openapi', components: openapi.components})
  const sample = (name: string) =>
    JSON.parse(readFileSync(path.join(reference, 'samples', 'subcloud-backup', name), 'utf8')) as unknown

  interface Schema {
    oneOf?: Schema[]
    title?: string
    properties?: object
  }

  /** The operation's request schema, closed: a field the API does not document is a contract break. */
  function validator(method: string, apiPath: string, contentType: string): ValidateFunction {
    const operation = openapi.paths[apiPath]?.[method.toLowerCase()]
    if (!operation?.requestBody) throw new Error(`no OpenAPI operation for ${method} ${apiPath}`)
    let schema = JSON.parse(
      JSON.stringify(operation.requestBody.content[contentType].schema).replace(
        /"#\/components/g,
        '"openapi#/components',
      ),
    ) as Schema
    // The JSON body of PATCH /subclouds/{ref} is one of the verbs' bodies: prestage here.
    if (schema.oneOf) schema = schema.oneOf.find((one) => one.title === 'Prestage Request')!
    return ajv.compile({...schema, additionalProperties: false})
  }

  /** dcm's path to the OpenAPI path: verbs and refs are parameters there (spec §0). */
  const documented = (request: SeenRequest) =>
    request.path
      .replace(DC, '/v1.0')
      .replace(/\/$/, '')
      .replace(/^\/v1\.0\/subcloud-backup\/(restore|delete\/[^/]+)$/, '/v1.0/subcloud-backup')
      .replace(/^\/v1\.0\/subclouds\/[^/]+\/(redeploy|prestage)$/, '/v1.0/subclouds')

  it('every request of the day-2 commands is a documented operation with a valid body', async () => {
    server.on('POST', `${DC}/subcloud-backup`, json(sample('subcloud-create-backup-response.json')))
    server.on('PATCH', `${DC}/subcloud-backup/restore`, json(sample('subcloud-restore-backup-response.json')))
    server.on('PATCH', /\/subcloud-backup\/delete\/24\.09$/, {kind: 'raw', status: 204, body: ''})
    server.on(
      'PATCH',
      `${DC}/subclouds/subcloud1/redeploy`,
      json(subcloud(1, 'subcloud1', {'deploy-status': 'pre-install'})),
    )
    server.on(
      'PATCH',
      `${DC}/subclouds/subcloud1/prestage`,
      json(subcloud(1, 'subcloud1', {'prestage-status': 'prestaging', 'prestage-software-version': '24.09'})),
    )
    const backupValues = file('backup.yml', 'backup_dir: /opt/backups\n')
    const restoreValues = file('restore.yml', 'bootstrap_address:\n  subcloud1: 10.10.10.12\n')
    const install = file(
      'install-ok.yml',
      'bootstrap_interface: eno1\nbootstrap_address: 10.10.10.12\nbootstrap_address_prefix: 24\ninstall_type: 3\nbmc_address: 10.10.10.2\nbmc_username: root\n',
    )
    const bootstrap = file('bootstrap.yml', 'name: subcloud1\nsystem_mode: simplex\n')
    // Deploy configs are often several YAML documents: stored by the server as they are, never parsed.
    const deployConfig = file('deploy.yml', '---\nkind: Host\n---\nkind: Network\n')
    const commands = [
      ['subcloud-backup', 'create', '--subcloud', 'subcloud1'],
      [
        'subcloud-backup',
        'create',
        '--group',
        'Default',
        '--local-only',
        '--registry-images',
        '--backup-values',
        backupValues,
      ],
      ['subcloud-backup', 'delete', '24.09', '--subcloud', 'subcloud1'],
      ['subcloud-backup', 'delete', '24.09', '--group', 'Default', '--local-only', '--yes'],
      [
        'subcloud-backup',
        'restore',
        '--subcloud',
        'subcloud1',
        '--with-install',
        '--release',
        '24.09',
        '--restore-values',
        restoreValues,
      ],
      ['subcloud-backup', 'restore', '--group', 'Default', '--local-only', '--registry-images', '--auto'],
      [
        'subcloud',
        'redeploy',
        'subcloud1',
        '--install-values',
        install,
        '--bootstrap-values',
        bootstrap,
        '--bmc-password',
        'Bmc-pw-1',
        '--deploy-config',
        deployConfig,
      ],
      ['subcloud', 'redeploy', 'subcloud1', '--release', '24.09'],
      ['subcloud', 'prestage', 'subcloud1', '--force', '--release', '24.09'],
      ['subcloud', 'prestage', 'subcloud1', '--for-sw-deploy'],
    ]
    for (const args of commands) {
      const result = await dcm(args)
      expect({args, code: result.code, stderr: result.stderr}).toEqual({args, code: 0, stderr: ''})
    }
    const api = server.serviceRequests()
    expect(api).toHaveLength(commands.length)
    for (const request of api) {
      const apiPath = documented(request)
      const contentType = String(request.headers['content-type'])
      expect(request.headers['x-auth-token']).toBeTruthy()
      if (contentType.startsWith('multipart/form-data')) {
        const parts = multipart(request)
        const form = Object.fromEntries(parts.map((part) => [part.name, part.value]))
        const validate = validator(request.method, apiPath, 'multipart/form-data')
        expect({path: request.path, errors: validate(form) ? null : validate.errors}).toEqual({
          path: request.path,
          errors: null,
        })
        // Files carry the typed path as their filename (§1.5); fields never do.
        for (const part of parts)
          expect({name: part.name, file: part.filename !== undefined}).toEqual({
            name: part.name,
            file: /_values$|^deploy_config$/.test(part.name),
          })
        if ('sysadmin_password' in form) expect(Buffer.from(form.sysadmin_password, 'base64').toString()).toBe(PASSWORD)
      } else {
        expect(contentType).toBe('application/json')
        const validate = validator(request.method, apiPath, 'application/json')
        const body = JSON.parse(request.body.toString('utf8')) as Record<string, string>
        expect({path: request.path, errors: validate(body) ? null : validate.errors}).toEqual({
          path: request.path,
          errors: null,
        })
      }
    }
    // What upstream's client sends, field by field (dcmanager-api.md §2.1.3, §2.1.4, §2.5).
    const forms = api
      .filter((r) => r.method !== 'PATCH' || !r.path.endsWith('/prestage'))
      .map((r) =>
        multipart(r).map((part) =>
          part.name.endsWith('password') || part.filename ? part.name : `${part.name}=${part.value}`,
        ),
      )
    expect(forms).toEqual([
      ['subcloud=subcloud1', 'local_only=false', 'registry_images=false', 'sysadmin_password'],
      ['backup_values', 'group=Default', 'local_only=true', 'registry_images=true', 'sysadmin_password'],
      ['release=24.09', 'subcloud=subcloud1', 'local_only=false'],
      ['release=24.09', 'group=Default', 'local_only=true', 'sysadmin_password'],
      [
        'restore_values',
        'subcloud=subcloud1',
        'release=24.09',
        'with_install=true',
        'local_only=false',
        'registry_images=false',
        'auto=false',
        'factory=false',
        'sysadmin_password',
      ],
      [
        'group=Default',
        'with_install=false',
        'local_only=true',
        'registry_images=true',
        'auto=true',
        'factory=false',
        'sysadmin_password',
      ],
      ['install_values', 'bootstrap_values', 'deploy_config', 'sysadmin_password', 'bmc_password'],
      ['sysadmin_password', 'release=24.09'],
    ])
    const prestage = api.filter((r) => r.path.endsWith('/prestage')).map((r) => JSON.parse(r.body.toString()) as object)
    expect(prestage).toEqual([
      {
        force: 'true',
        sysadmin_password: Buffer.from(PASSWORD).toString('base64'),
        release: '24.09',
        for_install: 'true',
      },
      {sysadmin_password: Buffer.from(PASSWORD).toString('base64'), for_sw_deploy: 'true'},
    ])
  })

  it('backup delete: 207 is the warning text as one error line, exit 1; 422 is the API error', async () => {
    const warning =
      'Subcloud backup delete operation completed with warnings:\nThe following subclouds were skipped for local backup delete operation: sc2 ,sc3.'
    server.on('PATCH', /\/subcloud-backup\/delete\/24\.09$/, json(warning, 207))
    const partial = await dcm(['subcloud-backup', 'delete', '24.09', '--group', 'Default'])
    expect({code: partial.code, stderr: partial.stderr, stdout: partial.stdout}).toEqual({
      code: 1,
      stderr:
        'Error: Subcloud backup delete operation completed with warnings: The following subclouds were skipped for local backup delete operation: sc2 ,sc3.\n',
      stdout: '',
    })
    server.on(
      'PATCH',
      /\/subcloud-backup\/delete\/24\.09$/,
      failure(422, "Failed to run subcloud-backup delete. Please run 'dcmanager subcloud error' command for details"),
    )
    const failed = await dcm(['subcloud-backup', 'delete', '24.09', '--subcloud', 'sc1'])
    expect(failed.code).toBe(1)
    expect(failed.stderr).toMatch(/^Error: Unable to delete backup: .*Failed to run subcloud-backup delete/)
  })
})

/**
 * Parity with the upstream client for the same answer: its unit-test fixture (tests/base.py, dcmanager-api.md §6)
 * answered by the server, and the values upstream's tests expect, in order.
 */
describe('parity with the upstream client', () => {
  const NOW = '2026-12-03T12:00:00.000000'
  const fixture = {
    id: '1',
    name: 'subcloud1',
    description: 'subcloud1 description',
    location: 'subcloud1 location',
    'software-version': '12.34',
    'management-state': 'unmanaged',
    'availability-status': 'offline',
    'deploy-status': 'not-deployed',
    'error-description': 'No errors present',
    'management-subnet': '192.168.101.0/24',
    'management-start-ip': '192.168.101.2',
    'management-end-ip': '192.168.101.50',
    'management-gateway-ip': '192.168.101.1',
    'systemcontroller-gateway-ip': '192.168.204.101',
    'created-at': NOW,
    'updated-at': NOW,
    group_id: '1',
    'backup-status': 'None',
    'backup-datetime': 'None',
    'prestage-status': 'None',
    'prestage-versions': null,
  }
  const head = ['1', 'subcloud1', 'subcloud1 description', 'subcloud1 location', '12.34', 'unmanaged', 'offline']
  const network = [
    'not-deployed',
    '192.168.101.0/24',
    '192.168.101.2',
    '192.168.101.50',
    '192.168.101.1',
    '192.168.204.101',
    '1',
  ]

  it('subcloud prestage 1 --force --release 12.34: the 21 detail values and prestage_software_version', async () => {
    server.on('PATCH', `${DC}/subclouds/1/prestage`, json({...fixture, 'prestage-software-version': '12.34'}))
    const result = await dcm([
      'subcloud',
      'prestage',
      '1',
      '--sysadmin-password',
      'testpassword',
      '--force',
      '--release',
      '12.34',
      '-f',
      'json',
    ])
    expect(result.code).toBe(0)
    const shown = JSON.parse(result.stdout) as Record<string, unknown>
    expect(Object.values(shown)).toEqual([...head, ...network, null, NOW, NOW, 'None', 'None', 'None', null, '12.34'])
    expect(Object.keys(shown).at(-1)).toBe('prestage_software_version')
    const table = await dcm(['subcloud', 'prestage', '1', '--sysadmin-password', 'testpassword', '-f', 'value'])
    expect(table.stdout.split('\n')).toEqual([
      ...head,
      ...network,
      'None',
      NOW,
      NOW,
      'None',
      'None',
      'None',
      'None',
      '12.34',
      '',
    ])
  })

  it('subcloud-backup create: the 18 backup values, as ShowOne for a subcloud and a one-row list for a group', async () => {
    server.on('POST', `${DC}/subcloud-backup`, json({subclouds: [fixture]}))
    const values = [...head, ...network, NOW, NOW, 'None', 'None']
    const one = await dcm([
      'subcloud-backup',
      'create',
      '--subcloud',
      'subcloud1',
      '--local-only',
      '--registry-images',
      '-f',
      'json',
    ])
    expect(one.code).toBe(0)
    expect(Object.values(JSON.parse(one.stdout) as object)).toEqual(values)
    const group = await dcm(['subcloud-backup', 'create', '--group', 'test', '-f', 'json'])
    expect(group.code).toBe(0)
    expect((JSON.parse(group.stdout) as object[]).map((row) => Object.values(row))).toEqual([values])
    const table = await dcm(['subcloud-backup', 'create', '--subcloud', 'subcloud1'])
    expect(table.stdout.split('\n').slice(0, 4)).toEqual([
      '+-----------------------------+----------------------------+',
      '| Field                       | Value                      |',
      '+-----------------------------+----------------------------+',
      '| id                          | 1                          |',
    ])
    expect(table.stdout).toContain('| backup_datetime             | None                       |\n+---')
  })
})

describe('--wait: exit 0 done, 1 failed (the state named), 4 timed out', () => {
  const wait = ['--wait', '--poll-interval', '20']
  const old = '2026-11-01 01:00:00.000000'
  const fresh = '2026-12-03 12:00:00.000000'

  it('backup create: a backup-status from before the request does not end the wait', async () => {
    const before = subcloud(1, 'sc1', {'backup-status': 'complete-central', 'backup-datetime': old})
    server.on('POST', `${DC}/subcloud-backup`, json({subclouds: [before]}))
    server.on(
      'GET',
      `${DC}/subclouds/1`,
      json(before),
      json(before),
      json({...before, 'backup-status': 'validating'}),
      json({...before, 'backup-status': 'backing-up'}),
      json({...before, 'backup-status': 'complete-central', 'backup-datetime': fresh}),
    )
    const result = await dcm(['subcloud-backup', 'create', '--subcloud', 'sc1', ...wait, '-f', 'json'])
    expect({code: result.code, stderr: result.stderr}).toEqual({
      code: 0,
      stderr: expect.stringContaining('sc1: backing-up'),
    })
    expect(JSON.parse(result.stdout)).toMatchObject({backup_status: 'complete-central', backup_datetime: fresh})
    expect(server.serviceRequests().filter((r) => r.method === 'GET')).toHaveLength(5)
  })

  it('group backup with one refused subcloud: a summary table, exit 1 naming it', async () => {
    const members = [1, 2, 3].map((id) => subcloud(id, `sc${id}`))
    const at = (states: string[], extra: Record<number, Record<string, unknown>> = {}) =>
      json({subclouds: members.map((m, i) => ({...m, 'backup-status': states[i], ...extra[i]}))})
    server.on('POST', `${DC}/subcloud-backup`, json({subclouds: members}))
    server.on(
      'GET',
      `${DC}/subclouds`,
      at(['validating', 'validating', 'validating']),
      at(['backing-up', 'validate-failed', 'backing-up']),
      at(['complete-central', 'validate-failed', 'complete-central'], {
        0: {'backup-datetime': fresh},
        2: {'backup-datetime': fresh},
      }),
    )
    const result = await dcm(['subcloud-backup', 'create', '--group', 'Default', ...wait])
    expect(result.code).toBe(1)
    expect(
      result.stdout
        .split('\n')
        .filter((line) => line.startsWith('| sc'))
        .map((line) =>
          line
            .split('|')
            .map((c) => c.trim())
            .slice(1, 4),
        ),
    ).toEqual([
      ['sc1', 'ok', 'complete-central'],
      ['sc2', 'failed', 'validate-failed'],
      ['sc3', 'ok', 'complete-central'],
    ])
    expect(result.stderr).toMatch(/Error: backup failed for 1 of 3 subclouds: sc2\n/)
  })

  it('restore: walks pre-restore, restoring to complete; a stale final state before it does not count', async () => {
    const restored = subcloud(1, 'sc1', {'management-state': 'unmanaged'})
    server.on(
      'PATCH',
      `${DC}/subcloud-backup/restore`,
      json({subclouds: [{...restored, 'deploy-status': 'pre-restore'}]}),
    )
    server.on(
      'GET',
      `${DC}/subclouds/1`,
      json({...restored, 'deploy-status': 'restore-failed'}),
      json({...restored, 'deploy-status': 'restoring'}),
      json(restored),
    )
    const ok = await dcm([
      'subcloud-backup',
      'restore',
      '--subcloud',
      'sc1',
      ...wait,
      '-f',
      'value',
      '-c',
      'deploy_status',
    ])
    expect({code: ok.code, stdout: ok.stdout}).toEqual({code: 0, stdout: 'complete\n'})
  })

  it('restore quicker than one poll: a record written since the answer counts', async () => {
    const restored = subcloud(1, 'sc1', {'management-state': 'unmanaged'})
    server.on(
      'PATCH',
      `${DC}/subcloud-backup/restore`,
      json({subclouds: [{...restored, 'deploy-status': 'pre-restore'}]}),
    )
    server.on('GET', `${DC}/subclouds/1`, json({...restored, 'updated-at': '2026-12-03 12:00:01.000000'}))
    const ok = await dcm([
      'subcloud-backup',
      'restore',
      '--subcloud',
      'sc1',
      ...wait,
      '-f',
      'value',
      '-c',
      'deploy_status',
    ])
    expect({code: ok.code, stdout: ok.stdout}).toEqual({code: 0, stdout: 'complete\n'})
  })

  it('group restore: only the accepted subclouds are followed; one restore-failed is exit 1 after the table', async () => {
    const accepted = [1, 3].map((id) => subcloud(id, `sc${id}`, {'management-state': 'unmanaged'}))
    const at = (states: string[]) =>
      json({
        subclouds: [...accepted, subcloud(2, 'sc2')].map((m, i) => ({...m, 'deploy-status': states[i] ?? 'complete'})),
      })
    server.on(
      'PATCH',
      `${DC}/subcloud-backup/restore`,
      json({subclouds: accepted.map((m) => ({...m, 'deploy-status': 'pre-restore'}))}),
    )
    server.on('GET', `${DC}/subclouds`, at(['restoring', 'pre-restore']), at(['complete', 'restore-failed']))
    const result = await dcm([
      'subcloud-backup',
      'restore',
      '--group',
      'Default',
      ...wait,
      '-f',
      'csv',
      '-c',
      'name',
      '-c',
      'result',
      '-c',
      'deploy status',
    ])
    expect({code: result.code, stdout: result.stdout}).toEqual({
      code: 1,
      stdout: '"name","result","deploy status"\n"sc1","ok","complete"\n"sc3","failed","restore-failed"\n',
    })
    expect(result.stderr).toMatch(/Error: restore failed for 1 of 2 subclouds: sc3\n/)
  })

  it('prestage failed: exit 1 naming the state and the error description', async () => {
    const prestaging = subcloud(1, 'sc1', {'prestage-status': 'prestaging'})
    server.on('PATCH', `${DC}/subclouds/sc1/prestage`, json({...prestaging, 'prestage-software-version': '24.09'}))
    server.on(
      'GET',
      `${DC}/subclouds/1`,
      json(prestaging),
      json({
        ...prestaging,
        'prestage-status': 'failed',
        'error-description': 'FAILED prestaging playbook of (sc1).\ndetail: no space left',
      }),
    )
    const result = await dcm(['subcloud', 'prestage', 'sc1', ...wait])
    expect({code: result.code, stdout: result.stdout}).toEqual({code: 1, stdout: ''})
    expect(result.stderr).toContain(
      'Error: subcloud sc1 prestage failed: failed: FAILED prestaging playbook of (sc1).\n',
    )
    expect(result.stderr).toContain("Hint: see 'dcm subcloud errors sc1'")
  })

  it('prestage interrupted while waiting: exit 130, the prestage goes on', async () => {
    const prestaging = subcloud(1, 'sc1', {'prestage-status': 'prestaging'})
    server.on('PATCH', `${DC}/subclouds/sc1/prestage`, json(prestaging))
    server.on('GET', `${DC}/subclouds/1`, json(prestaging))
    const child = spawn(
      process.execPath,
      [path.join(repoRoot, 'bin', 'run.js'), 'subcloud', 'prestage', 'sc1', ...wait],
      {
        env: {...process.env, ...server.env({DCM_SYSADMIN_PASSWORD: PASSWORD}), NO_COLOR: '1'},
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    )
    let stderr = ''
    const code = await new Promise<number | null>((resolve) => {
      child.stderr.on('data', (chunk) => {
        stderr += chunk
        // The first progress line means the wait runs: interrupt it.
        if (/sc1: prestaging/.test(stderr) && !child.killed) child.kill('SIGINT')
      })
      child.on('close', resolve)
    })
    expect(code).toBe(130)
    expect(stderr).toMatch(
      /Error: stopped waiting for the prestage of sc1\nHint: the prestage continues on the System Controller; follow it with 'dcm subcloud show sc1'\n$/,
    )
  })

  it('redeploy still installing at --timeout: exit 4 naming the state', async () => {
    const installing = subcloud(1, 'sc1', {'deploy-status': 'pre-install', 'management-state': 'unmanaged'})
    server.on('PATCH', `${DC}/subclouds/sc1/redeploy`, json(installing))
    server.on('GET', `${DC}/subclouds/1`, json({...installing, 'deploy-status': 'installing'}))
    const result = await dcm(['subcloud', 'redeploy', 'sc1', ...wait, '--timeout', '1'])
    expect(result.code).toBe(4)
    expect(result.stderr).toMatch(/^Error: redeploy not finished after 1 s: sc1 is installing\n/m)
  })
})
