import {afterAll, beforeAll, describe, expect, it} from '@jest/globals'
import {readFileSync} from 'node:fs'
import path from 'node:path'

import {Ajv, type ValidateFunction} from 'ajv'
import {parse as parseYaml} from 'yaml'

import {
  type FaultServer,
  inFrontOf,
  json,
  multipartParts,
  parseMultipart,
  type SeenRequest,
} from '../faults/fault-server.js'
import {runDcm, fixturesDir} from '../helpers/cli.js'
import {startTestLab, type TestLab, waitFor} from '../helpers/lab.js'
import {bootstrapValues, fixtureDir, type FixtureDir} from '../helpers/subcloud-fixtures.js'

/**
 * Contract tests against test/fixtures/reference/dcmanager: every request dcm sends is matched to an operation of
 * dc-openapi.yaml and its body validated against the operation's request schema (and the api-ref samples'
 * field sets); `subcloud list/show` of the api-ref sample subcloud must match dcmanager's output byte for byte.
 * The commands run against a test lab behind the fault server, which records the requests (and serves the samples).
 */
const reference = path.join(fixturesDir, 'reference', 'dcmanager')
const openapi = parseYaml(readFileSync(path.join(reference, 'dc-openapi.yaml'), 'utf8'), {uniqueKeys: false}) as {
  paths: Record<string, Record<string, Operation>>
  components: {schemas: Record<string, unknown>}
}
interface Operation {
  operationId: string
  requestBody?: {content: Record<string, {schema: unknown}>}
}

/** The api-ref samples are hand-written; 8 are not valid JSON (trailing or missing commas, spec §0). */
function sample(relative: string): Record<string, unknown> {
  const text = readFileSync(path.join(reference, 'samples', relative), 'utf8')
    .replace(/,(\s*[}\]])/g, '$1')
    .replace(/"(\s*\n\s*")/g, '",$1')
  return JSON.parse(text) as Record<string, unknown>
}

/**
 * Where dcmanager-api.md (which wins) and the generated OpenAPI disagree, per request schema: the OpenAPI types
 * group name/description as integers (§2.2: strings), PATCH takes a group by name (§2.1.2), and it omits the
 * PATCH fields of §2.1.2 network reconfiguration / rename.
 */
const ERRATA: Record<string, Record<string, unknown>> = {
  createSubcloudGroup: {name: {type: 'string'}, description: {type: 'string'}},
  updateSubcloudGroup: {name: {type: 'string'}, description: {type: 'string'}},
  updateSubcloud: {
    group_id: {type: 'string'},
    management_subnet: {type: 'string'},
    management_gateway_ip: {type: 'string'},
    management_start_ip: {type: 'string'},
    management_end_ip: {type: 'string'},
    bootstrap_address: {type: 'string'},
    peer_group: {type: 'string'},
    migrate: {type: 'string', enum: ['true', 'false']},
  },
}

const ajv = new Ajv({strict: false, coerceTypes: true, validateFormats: false, allErrors: true})
ajv.addSchema({$id: 'openapi', components: openapi.components})

function requestValidator(operation: Operation, contentType: string): {validate: ValidateFunction; known: Set<string>} {
  const content = operation.requestBody?.content[contentType]
  if (!content) throw new Error(`${operation.operationId} takes no ${contentType} body`)
  const schema = JSON.parse(JSON.stringify(content.schema).replace(/"#\/components/g, '"openapi#/components')) as {
    properties?: Record<string, unknown>
  }
  // Only object schemas are used by dcm's calls; unknown keys are a contract break, so forbid them.
  const properties = {...schema.properties, ...ERRATA[operation.operationId]}
  const strict = {...schema, properties, additionalProperties: false}
  return {validate: ajv.compile(strict), known: new Set(Object.keys(properties))}
}

/** The OpenAPI models `{subcloud_ref}` as a query parameter on the collection path (spec §0). */
function operationFor(request: SeenRequest): Operation {
  const apiPath = request.path.replace(/^\/dcmanager/, '').replace(/\/$/, '')
  const collection = apiPath
    .replace(/^(\/v1\.0\/subclouds)\/[^/]+(\/detail)?$/, '$1')
    .replace(/^(\/v1\.0\/subcloud-groups)\/[^/]+(\/subclouds)?$/, '$1')
  const operation = openapi.paths[collection]?.[request.method.toLowerCase()]
  if (!operation) throw new Error(`no OpenAPI operation for ${request.method} ${apiPath}`)
  return operation
}

describe('contract with dc-openapi.yaml and the api-ref samples', () => {
  let lab: TestLab
  let faults: FaultServer
  let files: FixtureDir
  const dcm = (...args: string[]) => runDcm(args, {env: faults.env({DCM_SYSADMIN_PASSWORD: 'Contract-Pw-1'})})

  beforeAll(async () => {
    lab = await startTestLab({deployer: 'simulated'})
    faults = await inFrontOf(lab)
    files = fixtureDir()
  })
  afterAll(async () => {
    await faults.stop()
    await lab.stop()
    files.cleanup()
  })

  it('every request of a session of commands is a documented operation with a valid body', async () => {
    const bootstrap = files.write(
      'subcloud1.yml',
      bootstrapValues('subcloud1', {description: 'Subcloud 1', location: 'Somewhere'}),
    )
    const commands = [
      [
        'subcloud',
        'add',
        '--bootstrap-address',
        '10.10.10.12',
        '--bootstrap-values',
        bootstrap,
        '--no-preflight',
        '--group',
        '1',
        '--release',
        '24.09',
      ],
      ['subcloud', 'list'],
      ['subcloud', 'show', 'subcloud1', '--detail'],
      ['subcloud', 'update', 'subcloud1', '--description', 'Ottawa Site', '--location', 'YOW', '--group', 'Default'],
      ['subcloud', 'manage', 'subcloud1', '--force'],
      ['subcloud', 'unmanage', 'subcloud1'],
      ['subcloud-group', 'add', '--name', 'GroupX', '--description', 'A new group', '--max_parallel_subclouds', '3'],
      [
        'subcloud-group',
        'update',
        'GroupX',
        '--description',
        'A new group description',
        '--update_apply_type',
        'serial',
        '--max_parallel_subclouds',
        '5',
      ],
      ['subcloud-group', 'list-subclouds', 'GroupX'],
      ['subcloud-group', 'delete', 'GroupX', '--yes'],
      ['alarm', 'summary'],
      ['subcloud', 'delete', 'subcloud1', '--yes'],
    ]
    for (const args of commands) {
      // The lab deletes only a subcloud whose deploy has ended (its simulated one takes well under a second).
      if (args[1] === 'delete' && args[0] === 'subcloud') {
        await waitFor(
          () => lab.store.subcloudByName('subcloud1')?.deployStatus,
          (status) => status === 'complete',
          60_000,
        )
      }
      const result = await dcm(...args)
      expect({args, code: result.code, stderr: result.stderr}).toEqual({args, code: 0, stderr: ''})
    }
    const api = faults.requests.filter((r) => r.path.startsWith('/dcmanager'))
    expect(api.length).toBeGreaterThanOrEqual(commands.length)
    const checked = new Set<string>()
    for (const request of api) {
      const operation = operationFor(request)
      checked.add(operation.operationId)
      // Headers of §1.5, and never the User-Agents the server treats as a peer system controller or cert-mon.
      expect(request.headers['x-auth-token']).toBeTruthy()
      expect(request.headers['x-project-id']).toBe(lab.store.keystoneIds.projectId)
      expect(request.headers['x-user-id']).toBe(lab.store.keystoneIds.userId)
      expect(request.headers['user-agent']).not.toMatch(/^(dcmanager|cert-mon)\/1\.0/)
      if (request.method === 'GET' || request.method === 'DELETE') {
        expect(request.body.length).toBe(0)
        continue
      }
      const contentType = String(request.headers['content-type'])
      if (contentType.startsWith('multipart/form-data')) {
        const form = Object.fromEntries(parseMultipart(request.body, contentType))
        const {validate, known} = requestValidator(operation, 'multipart/form-data')
        expect({op: operation.operationId, unknown: Object.keys(form).filter((k) => !known.has(k))}).toEqual({
          op: operation.operationId,
          unknown: [],
        })
        expect({op: operation.operationId, errors: validate(form) ? null : validate.errors}).toEqual({
          op: operation.operationId,
          errors: null,
        })
        // Files carry the typed path as filename and no per-part Content-Type (§1.5).
        for (const part of multipartParts(request.body, contentType)) {
          expect(part.headers).not.toMatch(/Content-Type/i)
          if (['bootstrap_values', 'install_values', 'deploy_config'].includes(part.name))
            expect(part.filename).toBeTruthy()
          else expect(part.filename).toBeUndefined()
        }
      } else {
        expect(contentType).toBe('application/json')
        const body = JSON.parse(request.body.toString('utf8'))
        const {validate} = requestValidator(operation, 'application/json')
        expect({op: operation.operationId, errors: validate(body) ? null : validate.errors}).toEqual({
          op: operation.operationId,
          errors: null,
        })
      }
    }
    expect([...checked].sort()).toEqual(
      [
        'createSubcloud',
        'createSubcloudGroup',
        'getSubcloudGroups',
        'getSubclouds',
        'updateSubcloud',
        'updateSubcloudGroup',
        'deleteSubcloud',
        'deleteSubcloudGroup',
        'getAlarmSummary',
      ].sort(),
    )
  })

  it("the add form carries the api-ref sample request's fields (bootstrap keys merged server-side)", () => {
    const post = faults.requests.filter((r) => r.method === 'POST' && r.path === '/dcmanager/v1.0/subclouds/')[0]
    const form = parseMultipart(post.body, String(post.headers['content-type']))
    const merged = new Set([...Object.keys(parseYaml(form.get('bootstrap_values')!)), ...form.keys()])
    const expected = Object.keys(sample('subclouds/subclouds-post-request.json'))
    expect(expected.filter((key) => !merged.has(key))).toEqual([])
    expect(form.get('sysadmin_password')).toBe(Buffer.from('Contract-Pw-1').toString('base64'))
  })

  it("group requests use exactly the sample requests' keys", () => {
    const groupBodies = faults.requests
      .filter((r) => r.path.includes('/subcloud-groups') && (r.method === 'POST' || r.method === 'PATCH'))
      .map((r) => ({method: r.method, keys: Object.keys(JSON.parse(r.body.toString('utf8'))).sort()}))
    expect(groupBodies).toEqual([
      {method: 'POST', keys: Object.keys(sample('subcloud-groups/subcloud-groups-post-request.json')).sort()},
      {method: 'PATCH', keys: Object.keys(sample('subcloud-groups/subcloud-group-patch-request.json')).sort()},
    ])
  })

  describe('output for the api-ref sample subcloud (dcmanager-api.md §5, byte for byte)', () => {
    beforeAll(() => {
      const answer = (apiPath: string, body: unknown) => faults.on('GET', `/dcmanager/v1.0${apiPath}`, json(body))
      answer('/subclouds', sample('subclouds/subclouds-get-response.json'))
      answer('/subclouds/subcloud1', sample('subclouds/subcloud-get-response.json'))
      answer('/subclouds/subcloud1/detail', sample('subclouds/subcloud-get-detail-response.json'))
    })

    it('subcloud list', async () => {
      const result = await dcm('subcloud', 'list')
      expect(result.stdout).toBe(
        [
          '+----+-----------+------------+--------------+---------------+-------------+---------------+-----------------+',
          '| id | name      | management | availability | deploy status | sync        | backup status | prestage status |',
          '+----+-----------+------------+--------------+---------------+-------------+---------------+-----------------+',
          '|  1 | subcloud1 | managed    | online       | complete      | out-of-sync | complete      | complete        |',
          '+----+-----------+------------+--------------+---------------+-------------+---------------+-----------------+',
          '',
        ].join('\n'),
      )
    })

    it('subcloud show (no region row: the sample show response has no region-name)', async () => {
      const result = await dcm('subcloud', 'show', 'subcloud1')
      expect(result.stdout).toBe(
        [
          '+-----------------------------+----------------------------+',
          '| Field                       | Value                      |',
          '+-----------------------------+----------------------------+',
          '| id                          | 1                          |',
          '| name                        | subcloud1                  |',
          '| description                 | Ottawa Site                |',
          '| location                    | YOW                        |',
          '| software_version            | 21.12                      |',
          '| management                  | managed                    |',
          '| availability                | online                     |',
          '| deploy_status               | complete                   |',
          '| management_subnet           | 192.168.101.0/24           |',
          '| management_start_ip         | 192.168.101.2              |',
          '| management_end_ip           | 192.168.101.50             |',
          '| management_gateway_ip       | 192.168.101.1              |',
          '| systemcontroller_gateway_ip | 192.168.204.101            |',
          '| group_id                    | 1                          |',
          '| peer_group_id               | None                       |',
          '| created_at                  | 2021-10-04 15:04:13.045076 |',
          '| updated_at                  | 2021-10-25 21:16:23.713858 |',
          '| backup_status               | complete                   |',
          '| backup_datetime             | 2022-07-08 11:23:58.132134 |',
          '| prestage_status             | complete                   |',
          '| prestage_versions           | 21.12,22.12                |',
          '| dc-cert_sync_status         | in-sync                    |',
          '| firmware_sync_status        | in-sync                    |',
          '| kubernetes_sync_status      | in-sync                    |',
          '| kube-rootca_sync_status     | in-sync                    |',
          '| platform_sync_status        | in-sync                    |',
          '| identity_sync_status        | in-sync                    |',
          '| software_sync_status        | out-of-sync                |',
          '+-----------------------------+----------------------------+',
          '',
        ].join('\n'),
      )
    })

    it('subcloud show --detail', async () => {
      const result = await dcm('subcloud', 'show', 'subcloud1', '--detail')
      expect(result.stdout).toBe(
        [
          '+-----------------------------+---------------------------------------+',
          '| Field                       | Value                                 |',
          '+-----------------------------+---------------------------------------+',
          '| id                          | 1                                     |',
          '| name                        | subcloud1                             |',
          '| description                 | Ottawa Site                           |',
          '| location                    | YOW                                   |',
          '| software_version            | 21.12                                 |',
          '| management                  | managed                               |',
          '| availability                | online                                |',
          '| deploy_status               | complete                              |',
          '| management_subnet           | 192.168.101.0/24                      |',
          '| management_start_ip         | 192.168.101.2                         |',
          '| management_end_ip           | 192.168.101.50                        |',
          '| management_gateway_ip       | 192.168.101.1                         |',
          '| systemcontroller_gateway_ip | 192.168.204.101                       |',
          '| group_id                    | 1                                     |',
          '| peer_group_id               | None                                  |',
          '| created_at                  | 2021-10-04 15:04:13.045076            |',
          '| updated_at                  | 2021-10-25 21:16:23.713858            |',
          '| backup_status               | complete                              |',
          '| backup_datetime             | 2022-07-08 11:23:58.132134            |',
          '| prestage_status             | complete                              |',
          '| prestage_versions           | 21.12,22.12                           |',
          '| dc-cert_sync_status         | in-sync                               |',
          '| firmware_sync_status        | in-sync                               |',
          '| kubernetes_sync_status      | in-sync                               |',
          '| kube-rootca_sync_status     | in-sync                               |',
          '| platform_sync_status        | in-sync                               |',
          '| identity_sync_status        | in-sync                               |',
          '| software_sync_status        | out-of-sync                           |',
          '| oam_floating_ip             | 192.168.101.2                         |',
          '| deploy_config_sync_status   | Deployment: configurations up-to-date |',
          '| region_name                 | bbadb3e8e2ab473792c80ef09c5a12a4      |',
          '+-----------------------------+---------------------------------------+',
          '',
        ].join('\n'),
      )
    })
  })
})
