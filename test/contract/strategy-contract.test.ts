import {readFileSync} from 'node:fs'
import path from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from '@jest/globals'
import {Ajv} from 'ajv'
import {parse as parseYaml} from 'yaml'

import {fixturesDir, runDcm} from '../helpers/cli.js'
import {FaultServer, json, type SeenRequest} from '../faults/fault-server.js'

/**
 * Every request the strategy, strategy-step and strategy-config commands send, checked against
 * test/fixtures/reference/dcmanager/dc-openapi.yaml: a documented operation, and a JSON body its request
 * schema accepts with no undocumented key. GET answers are the api-ref samples. Where the spec (which wins)
 * lists create keys the generated OpenAPI lacks, they are the errata below.
 */
const reference = path.join(fixturesDir, 'reference', 'dcmanager')
interface Operation {
  operationId: string
  requestBody?: {content: Record<string, {schema: {properties?: Record<string, unknown>}}>}
}
const openapi = parseYaml(readFileSync(path.join(reference, 'dc-openapi.yaml'), 'utf8'), {uniqueKeys: false}) as {
  paths: Record<string, Record<string, Operation>>
  components: {schemas: Record<string, unknown>}
}
const sample = (name: string) =>
  JSON.parse(readFileSync(path.join(reference, 'samples', name), 'utf8').replace(/,(\s*[}\]])/g, '$1')) as unknown

/**
 * orchestration.md §2.2, §2.3, §10.5 (which win): keys the client sends that the generated OpenAPI does not
 * list, and the two flags upstream sends as the string "true" (the server refuses a JSON boolean for
 * stop-on-failure) where the OpenAPI says boolean.
 */
const ERRATA: Record<string, Record<string, unknown>> = {
  createSwUpdateStrategy: {
    'stop-on-failure': {type: 'string', enum: ['true']},
    force: {type: 'string', enum: ['true']},
    kube_upgrade: {type: ['string', 'null']},
    for_install: {type: 'string', enum: ['true']},
    for_sw_deploy: {type: 'string', enum: ['true']},
  },
}

const ajv = new Ajv({strict: false, validateFormats: false, allErrors: true})
ajv.addSchema({$id: 'openapi', components: openapi.components})

function operationFor(request: SeenRequest): Operation {
  const apiPath = request.path.replace(/^\/dcmanager/, '').replace(/\/$/, '')
  const documented = apiPath
    .replace(/^(\/v1\.0\/sw-update-strategy\/steps)\/[^/]+$/, '$1/{cloud_name}')
    // The OpenAPI models the subcloud of sw-update-options as a query parameter (`subcloud_ref`).
    .replace(/^(\/v1\.0\/sw-update-options)\/[^/]+$/, '$1')
  const operation = openapi.paths[documented]?.[request.method.toLowerCase()]
  if (!operation) throw new Error(`no OpenAPI operation for ${request.method} ${apiPath}`)
  return operation
}

function validateBody(operation: Operation, body: unknown): unknown {
  const content = operation.requestBody?.content['application/json']
  if (!content) return `${operation.operationId} takes no JSON body`
  const schema = JSON.parse(JSON.stringify(content.schema).replace(/"#\/components/g, '"openapi#/components')) as {
    properties?: Record<string, unknown>
  }
  const strict = {
    ...schema,
    properties: {...schema.properties, ...ERRATA[operation.operationId]},
    additionalProperties: false,
  }
  const validate = ajv.compile(strict)
  return validate(body) ? null : validate.errors
}

describe('strategy commands: contract with dc-openapi.yaml', () => {
  let faults: FaultServer
  /** The fault server answers these GETs with the api-ref samples; anything else gets its 404. */
  const answer = (apiPath: string, body: unknown) => faults.on('GET', `/dcmanager/v1.0${apiPath}`, json(body))

  beforeAll(async () => {
    faults = await new FaultServer().start()
    answer('/sw-update-strategy', sample('sw-update-strategy/sw-update-strategy-get-response.json'))
    answer('/sw-update-strategy/steps', sample('sw-update-strategy/sw-update-strategy-get-steps-response.json'))
    answer(
      '/sw-update-strategy/steps/subcloud1',
      sample('sw-update-strategy/sw-update-strategy-get-step-subcloud-response.json'),
    )
    answer('/sw-update-options', sample('sw-update-options/sw-update-options-get-response.json'))
    for (const ref of ['SystemController', 'subcloud1'])
      answer(`/sw-update-options/${ref}`, sample('sw-update-options/sw-update-options-get-one-response.json'))
  })
  afterAll(async () => {
    await faults.stop()
  })

  it('sends only documented operations with valid bodies, for every command', async () => {
    const commands: string[][] = [
      [
        'fw-update-strategy',
        'create',
        '--stop-on-failure',
        '--subcloud-apply-type',
        'parallel',
        '--max-parallel-subclouds',
        '5',
      ],
      ['fw-update-strategy', 'create', '--group', 'Default'],
      [
        'kube-rootca-update-strategy',
        'create',
        'subcloud1',
        '--subject',
        'C=CA CN=x',
        '--expiry-date',
        '2030-01-01',
        '--force',
      ],
      ['kube-upgrade-strategy', 'create', '--to-version', 'v1.29.2'],
      ['prestage-strategy', 'create', '--release', '25.09', '--for-sw-deploy', '--force'],
      [
        'sw-deploy-strategy',
        'create',
        '--release-id',
        'stx-25.09.1',
        '--with-prestage',
        '--kube-upgrade',
        'v1.30.1',
        '--delete',
      ],
      ['sw-deploy-strategy', 'create', '--rollback'],
      // The five families differ only in the `?type=` of these (checked against the lab).
      ['sw-deploy-strategy', 'show'],
      ['sw-deploy-strategy', 'apply'],
      ['sw-deploy-strategy', 'abort'],
      ['sw-deploy-strategy', 'delete'],
      ['strategy-step', 'list'],
      ['strategy-step', 'show', 'subcloud1'],
      ['strategy-config', 'list'],
      ['strategy-config', 'show'],
      ['strategy-config', 'show', 'subcloud1'],
      [
        'strategy-config',
        'update',
        'subcloud1',
        '--storage-apply-type',
        'parallel',
        '--worker-apply-type',
        'serial',
        '--max-parallel-workers',
        '5',
        '--alarm-restriction-type',
        'relaxed',
        '--default-instance-action',
        'migrate',
      ],
      ['strategy-config', 'delete', 'subcloud1'],
    ]
    const env = faults.env({DCM_SYSADMIN_PASSWORD: 'Contract-Pw-1'})
    // Three at a time: each is a process start; the order of requests does not matter here.
    for (let i = 0; i < commands.length; i += 3) {
      const batch = commands.slice(i, i + 3)
      const results = await Promise.all(batch.map((args) => runDcm(args, {env})))
      // The fault server answers GETs only (with the samples); writes get its 404, which is not what this test is about.
      for (const [j, result] of results.entries())
        expect({args: batch[j], ran: result.code === 0 || result.code === 1 ? true : result.stderr}).toEqual({
          args: batch[j],
          ran: true,
        })
    }
    const api = faults.requests.filter((r) => r.path.startsWith('/dcmanager'))
    const seen = new Set<string>()
    for (const request of api) {
      const operation = operationFor(request)
      seen.add(operation.operationId)
      if (request.method === 'GET' || request.method === 'DELETE') {
        expect(request.body.length).toBe(0)
        continue
      }
      expect(String(request.headers['content-type'])).toBe('application/json')
      const body = JSON.parse(request.body.toString('utf8')) as unknown
      expect({op: operation.operationId, body, errors: validateBody(operation, body)}).toEqual({
        op: operation.operationId,
        body,
        errors: null,
      })
    }
    expect([...seen].sort()).toEqual(
      [
        'createSwUpdateStrategy',
        'getSwUpdateStrategy',
        'applySwUpdateStrategy',
        'deleteSwUpdateStrategy',
        'getSwUpdateStrategySteps',
        'getSwUpdateStrategyStepByCloud',
        'getSwUpdateOptions',
        'updateSwUpdateOptions',
        'deleteSwUpdateOptions',
      ].sort(),
    )
  }, 180_000)
})
