import {afterAll, beforeAll, beforeEach, describe, expect, it} from '@jest/globals'
import {execFileSync} from 'node:child_process'
import {mkdirSync, readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'

import {Ajv} from 'ajv'
import {parse as parseYaml} from 'yaml'

import {parseMultipart} from '../../src/lab/http/multipart.js'
import {FaultServer, failure, json, type SeenRequest} from '../faults/fault-server.js'
import {fixturesDir} from '../helpers/cli.js'
import {dcmInProcess} from '../helpers/in-process.js'
import {bootstrapValues, fixtureDir, type FixtureDir} from '../helpers/subcloud-fixtures.js'

/**
 * `subcloud deploy *` against the reference (test/fixtures/reference/dcmanager): every request is an operation of
 * dc-openapi.yaml with a body its schema accepts, the verbs, query and form fields are the upstream client's, the
 * server's errors carry the client's prefixes, `subcloud deploy show` prints dcmanager's table byte for byte, and
 * bad local input (files, flags) is exit 2 with nothing sent (the counting fault server sees no request at all).
 */
const reference = path.join(fixturesDir, 'reference', 'dcmanager')
const openapi = parseYaml(readFileSync(path.join(reference, 'dc-openapi.yaml'), 'utf8'), {uniqueKeys: false}) as {
  paths: Record<
    string,
    Record<string, {operationId: string; requestBody?: {content: Record<string, {schema: unknown}>}}>
  >
  components: {schemas: Record<string, unknown>}
}
const ajv = new Ajv({strict: false, coerceTypes: true, validateFormats: false, allErrors: true})
ajv.addSchema({$id: 'openapi', components: openapi.components})

const sampleText = (relative: string) =>
  readFileSync(path.join(reference, 'samples', relative), 'utf8')
    .replace(/,(\s*[}\]])/g, '$1')
    .replace(/"(\s*\n\s*")/g, '",$1')
const subcloudRecord = (status: string) => ({
  ...(JSON.parse(sampleText('phased-subcloud-deploy/phased-subcloud-deploy-post-install-response.json')) as object),
  'deploy-status': status,
})

/** The operation a recorded request is, with its `{subcloud_ref}`/verb/release path segments folded away. */
function operationOf(request: SeenRequest) {
  const apiPath = request.path.replace(/^\/dcmanager/, '').replace(/\/$/, '')
  const collection = apiPath
    .replace(/^(\/v1\.0\/phased-subcloud-deploy)\/[^/]+\/[a-z]+$/, '$1')
    .replace(/^(\/v1\.0\/subcloud-deploy)\/[^/]+$/, '$1')
    .replace(/^(\/v1\.0\/subclouds)\/[^/]+$/, '$1')
  const operation = openapi.paths[collection]?.[request.method.toLowerCase()]
  if (!operation) throw new Error(`no OpenAPI operation for ${request.method} ${apiPath}`)
  return operation
}

/** The multipart form as the server reads it: names and the text of each part; unknown names are a contract break. */
function checkForm(request: SeenRequest): Record<string, string> {
  const operation = operationOf(request)
  const contentType = String(request.headers['content-type'])
  expect(contentType).toMatch(/^multipart\/form-data; boundary=/)
  const parts = parseMultipart(request.body, contentType)
  const form = Object.fromEntries([...parts].map(([name, part]) => [name, part.data.toString('utf8')]))
  const schema = operation.requestBody!.content['multipart/form-data'].schema as {required?: string[]}
  // Erratum: the OpenAPI requires a `name` on create, which neither the upstream client nor the server's form has
  // (the name is the bootstrap values' own, dcmanager-api.md §2.4).
  const required = schema.required?.filter(
    (key) => !(operation.operationId === 'createPhasedSubcloudDeploy' && key === 'name'),
  )
  const strict = JSON.parse(
    JSON.stringify({...schema, required, additionalProperties: false}).replace(
      /"#\/components/g,
      '"openapi#/components',
    ),
  ) as object
  const validate = ajv.compile(strict)
  expect({op: operation.operationId, errors: validate({...form}) ? null : validate.errors}).toEqual({
    op: operation.operationId,
    errors: null,
  })
  return form
}

const server = new FaultServer()
let files: FixtureDir
let bootstrap: string
let install: string
let deployConfig: string
let cloudInit: string
const env = () => server.env({DCM_SYSADMIN_PASSWORD: 'Sysadmin-Pw-1', DCM_BMC_PASSWORD: 'Bmc-Pw-1'})
const dcm = (...words: string[]) => dcmInProcess(words, env())
const b64 = (text: string) => Buffer.from(text).toString('base64')

beforeAll(async () => {
  await server.start()
  files = fixtureDir()
  bootstrap = files.write('subcloud1.yml', bootstrapValues('subcloud1'))
  install = path.join(fixturesDir, 'examples', 'install', 'valid-install-values.yaml')
  deployConfig = files.write('deploy-config.yml', 'deployment:\n  hosts: []\n')
  mkdirSync(path.join(files.dir, 'ci'))
  files.write('ci/user-data', '#cloud-config\n')
  cloudInit = path.join(files.dir, 'cloud-init.tar')
  execFileSync('tar', ['-cf', cloudInit, '-C', path.join(files.dir, 'ci'), 'user-data'])
})
afterAll(async () => {
  await server.stop()
  files.cleanup()
})
beforeEach(() => server.reset())

describe('subcloud deploy: requests as dc-openapi.yaml and the upstream client', () => {
  it('create: one POST with the files, address, BMC password, group and release; no sysadmin password', async () => {
    server.on('POST', '/dcmanager/v1.0/phased-subcloud-deploy', json(subcloudRecord('create-complete')))
    const result = await dcm(
      'subcloud',
      'deploy',
      'create',
      '--bootstrap-address',
      '10.10.10.12',
      '--bootstrap-values',
      bootstrap,
      '--install-values',
      install,
      '--deploy-config',
      deployConfig,
      '--group',
      '1',
      '--release',
      '25.09',
    )
    expect({code: result.code, stderr: result.stderr}).toEqual({code: 0, stderr: ''})
    expect(result.stdout).toMatch(/\| deploy_status +\| create-complete +\|/)
    const [request] = server.serviceRequests()
    const form = checkForm(request)
    expect(Object.keys(form)).toEqual([
      'bootstrap_values',
      'deploy_config',
      'install_values',
      'bootstrap-address',
      'bmc_password',
      'group_id',
      'release',
    ])
    expect(form.bmc_password).toBe(b64('Bmc-Pw-1'))
    expect(form.install_values).toBe(readFileSync(install, 'utf8'))
  })

  it('create: a group name is resolved to its id first (the server takes ids only, as on add)', async () => {
    server.on('GET', '/dcmanager/v1.0/subcloud-groups/GroupX', json({id: 3, name: 'GroupX'}))
    server.on('POST', '/dcmanager/v1.0/phased-subcloud-deploy', json(subcloudRecord('create-complete')))
    const result = await dcm(
      'subcloud',
      'deploy',
      'create',
      '--bootstrap-address',
      '10.10.10.12',
      '--bootstrap-values',
      bootstrap,
      '--group',
      'GroupX',
    )
    expect(result.code).toBe(0)
    const post = server.serviceRequests().find((request) => request.method === 'POST')!
    expect(checkForm(post).group_id).toBe('3')
  })

  const phases: [string, string, string[], string[]][] = [
    [
      'install',
      'install',
      ['--install-values', '<install>', '--release', '25.09'],
      ['install_values', 'sysadmin_password', 'bmc_password', 'release'],
    ],
    [
      'bootstrap',
      'bootstrap',
      ['--bootstrap-values', '<bootstrap>', '--bootstrap-address', '10.10.10.12'],
      ['bootstrap_values', 'bootstrap-address', 'sysadmin_password'],
    ],
    ['config', 'configure', ['--deploy-config', '<config>'], ['deploy_config', 'sysadmin_password']],
    ['complete', 'complete', [], []],
    ['abort', 'abort', [], []],
    [
      'resume',
      'resume',
      ['--bootstrap-values', '<bootstrap>', '--deploy-config', '<config>', '--release', '25.09'],
      ['bootstrap_values', 'deploy_config', 'sysadmin_password', 'release'],
    ],
    [
      'enroll',
      'enroll',
      ['--install-values', '<install>', '--bootstrap-values', '<bootstrap>', '--cloud-init-config', '<tar>'],
      ['bootstrap_values', 'install_values', 'cloud_init_config', 'sysadmin_password', 'bmc_password'],
    ],
  ]
  it.each(phases)(
    '%s: PATCH .../subcloud1/%s with the fields of the upstream client',
    async (command, verb, flags, fields) => {
      server.on(
        'PATCH',
        `/dcmanager/v1.0/phased-subcloud-deploy/subcloud1/${verb}`,
        json(subcloudRecord(`pre-${verb}`)),
      )
      const substitute: Record<string, string> = {
        '<install>': install,
        '<bootstrap>': bootstrap,
        '<config>': deployConfig,
        '<tar>': cloudInit,
      }
      const result = await dcm(
        'subcloud',
        'deploy',
        command,
        'subcloud1',
        ...flags.map((flag) => substitute[flag] ?? flag),
      )
      expect({code: result.code, stderr: result.stderr}).toEqual({code: 0, stderr: ''})
      const [request] = server.serviceRequests()
      expect(`${request.method} ${request.path}`).toBe(`PATCH /dcmanager/v1.0/phased-subcloud-deploy/subcloud1/${verb}`)
      const form = checkForm(request)
      expect(Object.keys(form)).toEqual(fields)
      if (form.sysadmin_password) expect(form.sysadmin_password).toBe(b64('Sysadmin-Pw-1'))
      // The 21 SUBCLOUD_DETAIL rows (the phase answers carry no endpoint statuses).
      expect(result.stdout.split('\n').filter((line) => line.startsWith('| ')).length).toBe(22)
    },
  )

  it('resume: --bmc-password without --install-values is not sent (upstream), with a warning', async () => {
    server.on('PATCH', '/dcmanager/v1.0/phased-subcloud-deploy/subcloud1/resume', json(subcloudRecord('pre-bootstrap')))
    const result = await dcm('subcloud', 'deploy', 'resume', 'subcloud1', '--bmc-password', 'x')
    expect(result.code).toBe(0)
    expect(result.stderr).toContain('--bmc-password is only sent with --install-values')
    expect(Object.keys(checkForm(server.serviceRequests()[0]))).toEqual(['sysadmin_password'])
  })

  it('--wait: still installing at --timeout is exit 4 naming the state; a failure is exit 1', async () => {
    const before = {...subcloudRecord('create-complete'), 'updated-at': '2026-01-01 00:00:00.000000'}
    const installing = {...subcloudRecord('installing'), 'updated-at': '2026-01-01 00:00:01.000000'}
    server.on('GET', '/dcmanager/v1.0/subclouds/subcloud1', json(before), json(installing))
    server.on('PATCH', '/dcmanager/v1.0/phased-subcloud-deploy/subcloud1/install', json(subcloudRecord('pre-install')))
    const wait = ['--wait', '--timeout', '1', '--poll-interval', '100', '--quiet']
    const timedOut = await dcm('subcloud', 'deploy', 'install', 'subcloud1', ...wait)
    expect(timedOut.code).toBe(4)
    expect(timedOut.stderr).toMatch(/^Error: subcloud subcloud1 is still installing after 1 s\n/)
    server.reset()
    const failed = {
      ...subcloudRecord('install-failed'),
      'error-description': 'Timeout occurred while installing subcloud subcloud1',
    }
    server.on('GET', '/dcmanager/v1.0/subclouds/subcloud1', json(before), json(failed))
    server.on('PATCH', '/dcmanager/v1.0/phased-subcloud-deploy/subcloud1/install', json(subcloudRecord('pre-install')))
    const result = await dcm('subcloud', 'deploy', 'install', 'subcloud1', ...wait)
    expect({code: result.code, first: result.stderr.split('\n')[0]}).toEqual({
      code: 1,
      first:
        'Error: subcloud subcloud1 install failed: install-failed: Timeout occurred while installing subcloud subcloud1',
    })
  })

  it('--debug shows the exchange but never a password, plain or base64', async () => {
    server.on('PATCH', '/dcmanager/v1.0/phased-subcloud-deploy/subcloud1/install', json(subcloudRecord('pre-install')))
    const result = await dcm('subcloud', 'deploy', 'install', 'subcloud1', '--install-values', install, '--debug')
    expect(result.code).toBe(0)
    const output = result.stdout + result.stderr
    expect(output).toContain('DEBUG:')
    for (const secret of ['Sysadmin-Pw-1', 'Bmc-Pw-1', b64('Sysadmin-Pw-1'), b64('Bmc-Pw-1')])
      expect(output).not.toContain(secret)
  })

  it('server errors carry the upstream client prefix, or none for create, bootstrap and resume', async () => {
    const wrongState =
      'Subcloud deploy status must be either: create-complete, pre-install-failed, install-failed, install-complete, install-aborted'
    server.on('PATCH', /phased-subcloud-deploy\/subcloud1\/install$/, failure(400, wrongState))
    server.on('PATCH', /phased-subcloud-deploy\/subcloud1\/bootstrap$/, failure(400, 'Subcloud not found'))
    server.on('PATCH', /phased-subcloud-deploy\/subcloud1\/complete$/, failure(400, 'nope'))
    const installed = await dcm('subcloud', 'deploy', 'install', 'subcloud1')
    expect({code: installed.code, stderr: installed.stderr}).toEqual({
      code: 1,
      stderr: `Error: Unable to install subcloud subcloud1: ${wrongState} (HTTP 400)\n`,
    })
    const bootstrapped = await dcm('subcloud', 'deploy', 'bootstrap', 'subcloud1')
    expect(bootstrapped.stderr).toBe('Error: Subcloud not found (HTTP 400)\n')
    const completed = await dcm('subcloud', 'deploy', 'complete', 'subcloud1')
    expect(completed.stderr).toBe('Error: Unable to complete the deployment of subcloud subcloud1: nope (HTTP 400)\n')
  })
})

describe('subcloud deploy upload|show|delete', () => {
  it('upload: the four files in the client order, the release last; the answer as DEPLOY_FILES', async () => {
    server.on(
      'POST',
      '/dcmanager/v1.0/subcloud-deploy',
      json(JSON.parse(sampleText('subcloud-deploy/subcloud-deploy-post-response.json'))),
    )
    const playbook = files.write('deployment-manager-playbook.yaml', '- hosts: all\n')
    const overrides = files.write('deployment-manager-overrides-subcloud.yaml', 'a: 1\n')
    const chart = files.write('deployment-manager.tgz', 'chart')
    const result = await dcm(
      'subcloud',
      'deploy',
      'upload',
      '--deploy-playbook',
      playbook,
      '--deploy-overrides',
      overrides,
      '--deploy-chart',
      chart,
      '--release',
      '22.12',
    )
    expect({code: result.code, stderr: result.stderr}).toEqual({code: 0, stderr: ''})
    const form = checkForm(server.serviceRequests()[0])
    expect(Object.keys(form)).toEqual(['deploy_playbook', 'deploy_overrides', 'deploy_chart', 'release'])
    expect(result.stdout).toContain('| prestage_images  | None                                       |')
  })

  it('upload: a playbook with roles/ beside it goes as one zip of both', async () => {
    server.on('POST', '/dcmanager/v1.0/subcloud-deploy', json({software_version: '22.12', deploy_playbook: 'p.yml'}))
    mkdirSync(path.join(files.dir, 'withroles', 'roles', 'site', 'tasks'), {recursive: true})
    const playbook = files.write('withroles/p.yml', '- hosts: all\n  roles: [site]\n')
    files.write('withroles/roles/site/tasks/main.yml', '- debug: msg=hi\n')
    const chart = files.write('withroles/c.tgz', 'chart')
    expect(
      (await dcm('subcloud', 'deploy', 'upload', '--deploy-playbook', playbook, '--deploy-chart', chart)).code,
    ).toBe(0)
    const request = server.serviceRequests()[0]
    const part = parseMultipart(request.body, String(request.headers['content-type'])).get('deploy_playbook')!
    expect(part.contentType).toBe('application/zip')
    const zipFile = files.write('sent.zip', '')
    writeFileSync(zipFile, part.data)
    const listing = execFileSync('python3', ['-m', 'zipfile', '-l', zipFile], {encoding: 'utf8'})
    expect(listing).toMatch(/p\.yml/)
    expect(listing).toMatch(/roles\/site\/tasks\/main\.yml/)
  })

  it("show: dcmanager's table for the api-ref sample, byte for byte (GET /subcloud-deploy/ and /<release>)", async () => {
    server.on(
      'GET',
      /^\/dcmanager\/v1\.0\/subcloud-deploy\/(22\.12)?$/,
      json(JSON.parse(sampleText('subcloud-deploy/subcloud-deploy-get-response.json'))),
    )
    const result = await dcm('subcloud', 'deploy', 'show')
    expect(result.stdout).toBe(
      [
        '+------------------+--------------------------------------------+',
        '| Field            | Value                                      |',
        '+------------------+--------------------------------------------+',
        '| deploy_playbook  | deployment-manager-playbook.yaml           |',
        '| deploy_overrides | deployment-manager-overrides-subcloud.yaml |',
        '| deploy_chart     | deployment-manager.tgz                     |',
        '| prestage_images  | None                                       |',
        '| software_version | 22.12                                      |',
        '+------------------+--------------------------------------------+',
        '',
      ].join('\n'),
    )
    expect((await dcm('subcloud', 'deploy', 'show', '--release', '22.12')).code).toBe(0)
    expect(server.serviceRequests().map((r) => r.path)).toEqual([
      '/dcmanager/v1.0/subcloud-deploy/',
      '/dcmanager/v1.0/subcloud-deploy/22.12',
    ])
    for (const request of server.serviceRequests()) expect(operationOf(request).operationId).toBeTruthy()
  })

  it('delete: both switches always sent as python booleans', async () => {
    server.on('DELETE', /^\/dcmanager\/v1\.0\/subcloud-deploy\//, json(null))
    expect((await dcm('subcloud', 'deploy', 'delete', '--release', '22.12', '--prestage-images')).code).toBe(0)
    expect((await dcm('subcloud', 'deploy', 'delete')).code).toBe(0)
    const urls = server.requests.filter((r) => r.method === 'DELETE')
    expect(urls.map((r) => r.path)).toEqual([
      '/dcmanager/v1.0/subcloud-deploy/22.12/',
      '/dcmanager/v1.0/subcloud-deploy/',
    ])
  })
})

describe('client checks: exit 2, nothing sent', () => {
  const refused = async (words: string[], message: string | RegExp) => {
    const result = await dcm(...words)
    expect({code: result.code, requests: server.requests.length}).toEqual({code: 2, requests: 0})
    expect(result.stderr.split('\n')[0]).toMatch(message)
  }

  it('missing files, in the upstream client words', async () => {
    await refused(
      ['subcloud', 'deploy', 'install', 'sc1', '--install-values', '/nonexistent.yml'],
      'Error: install-values does not exist: /nonexistent.yml',
    )
    await refused(
      ['subcloud', 'deploy', 'config', 'sc1', '--deploy-config', '/nonexistent.yml'],
      'Error: deploy-config file does not exist: /nonexistent.yml',
    )
    await refused(
      ['subcloud', 'deploy', 'resume', 'sc1', '--deploy-config', '/nonexistent.yml'],
      'Error: deploy-config does not exist: /nonexistent.yml',
    )
    await refused(
      ['subcloud', 'deploy', 'upload', '--deploy-chart', '/nonexistent.tgz'],
      'Error: deploy_chart file does not exist: /nonexistent.tgz',
    )
  })

  it('install values checked offline at the key, before any password or request', async () => {
    const bad = path.join(fixturesDir, 'overrides', 'install-values-bad', 'bmc-ipv6-bootstrap-ipv4.yaml')
    await refused(
      ['subcloud', 'deploy', 'install', 'sc1', '--install-values', bad],
      `Error: ${bad}:4:14: bmc_address and bootstrap_address must be the same IP version`,
    )
    await refused(
      [
        'subcloud',
        'deploy',
        'create',
        '--bootstrap-address',
        '10.10.10.12',
        '--bootstrap-values',
        bootstrap,
        '--install-values',
        bad,
      ],
      /bmc_address and bootstrap_address/,
    )
    await refused(
      [
        'subcloud',
        'add',
        '--bootstrap-address',
        '10.10.10.12',
        '--bootstrap-values',
        bootstrap,
        '--install-values',
        bad,
      ],
      /:4:14: bmc_address and bootstrap_address/,
    )
    await refused(['subcloud', 'update', 'sc1', '--install-values', bad], /:4:14: bmc_address and bootstrap_address/)
    await refused(
      ['subcloud', 'deploy', 'install', 'sc1', '--install-values', install, '--release', '24.09'],
      /The software_version value 25\.09 in the install values yaml file does not match/,
    )
  })

  it('a deploy config that is not a YAML mapping, a cloud-init config that is not a tar', async () => {
    const list = files.write('list.yml', '- a\n- b\n')
    await refused(['subcloud', 'deploy', 'config', 'sc1', '--deploy-config', list], new RegExp(list))
    await refused(
      ['subcloud', 'deploy', 'enroll', 'sc1', '--install-values', install, '--cloud-init-config', list],
      `Error: cloud-init-config is not a valid .tar archive: ${list}`,
    )
  })

  it('subcloud add --enroll and --cloud-init-config rules, in the upstream order', async () => {
    const add = ['subcloud', 'add', '--bootstrap-address', '10.10.10.12', '--bootstrap-values', bootstrap]
    await refused([...add, '--enroll', '--migrate'], 'Error: cannot run --migrate and --enroll options together')
    await refused([...add, '--enroll'], 'Error: install-values is required for --enroll option')
    await refused(
      [...add, '--cloud-init-config', cloudInit],
      'Error: cloud-init-config is only valid with --enroll option',
    )
    await refused(
      [...add, '--enroll', '--install-values', install, '--cloud-init-config', bootstrap],
      'Error: cloud-init-config is not a valid .tar archive',
    )
  })

  it('upload without the chart, and both passwords from one standard input', async () => {
    await refused(['subcloud', 'deploy', 'upload', '--deploy-playbook', bootstrap], /--deploy-chart required/)
    await refused(
      [
        'subcloud',
        'deploy',
        'install',
        'sc1',
        '--install-values',
        install,
        '--sysadmin-password-stdin',
        '--bmc-password-stdin',
      ],
      /cannot both read standard input/,
    )
  })
})
