import {readFileSync} from 'node:fs'
import path from 'node:path'

import {afterAll, beforeAll, describe, expect, test} from '@jest/globals'
import {parse} from 'yaml'

import {fixturesDir} from '../helpers/cli.js'
import {startTestLab, type TestLab, waitFor} from '../helpers/lab.js'
import {labFixture, patchSubcloud} from '../helpers/lab-requests.js'
import {b64, BMC, file, jsonOf, multipart, phase, SYSADMIN} from '../helpers/phased-deploy.js'

/**
 * Contract tests of the day-2 families (phased deploy, deploy files, backup): the lab's answers against the
 * upstream reference in test/fixtures/reference/dcmanager (dc-openapi.yaml examples: keys in the server's
 * order; api-ref samples: field sets and types), and the samples' request bodies accepted as upstream reads
 * them. The reference is read at test time only.
 */
const reference = path.join(fixturesDir, 'reference', 'dcmanager')
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- parsed YAML documents navigated by path
type Doc = Record<string, any>
const openapi = parse(readFileSync(path.join(reference, 'dc-openapi.yaml'), 'utf8')) as Doc
const sample = (name: string) => parse(readFileSync(path.join(reference, 'samples', name), 'utf8')) as Doc
const response200 = (route: string, method: string) =>
  openapi.paths[route][method].responses['200'].content['application/json'] as Doc

const SIMPLEX = labFixture('valid-simplex-ipv4')
const INSTALL = labFixture('install-values-simplex')
/** The server's subcloud dict, keys in order: the OpenAPI example of `deploy create`. */
const SUBCLOUD_KEYS = Object.keys(response200('/v1.0/phased-subcloud-deploy', 'post').example as object)

let lab: TestLab
beforeAll(async () => {
  lab = await startTestLab({timeScale: 0.2})
})
afterAll(async () => {
  await lab.stop()
})

/** Sample keys must all be in the answer (minus legacy ones), with the same JSON types where both are set. */
function expectFieldsOf(sampleObject: Record<string, unknown>, actual: Record<string, unknown>) {
  expect(Object.keys(sampleObject).filter((key) => !(key in actual))).toEqual([])
  for (const [key, value] of Object.entries(sampleObject)) {
    if (value === null || actual[key] === null) continue
    expect({key, type: typeof actual[key]}).toEqual({key, type: typeof value})
  }
}

let next = 160
async function created(install = false): Promise<{id: number; name: string; body: Record<string, unknown>}> {
  const n = next++
  const name = `ct${n}`
  const values = SIMPLEX.replace('name: subcloud1', `name: ${name}`)
    .replaceAll('192.168.101.', `192.168.${n}.`)
    .replaceAll('10.10.10.', `10.10.${n}.`)
  const body = await jsonOf(
    await multipart(lab, 'POST', '/phased-subcloud-deploy/', [
      file('bootstrap_values', values),
      ...(install ? [file('install_values', INSTALL.replaceAll('10.10.10.', `10.10.${n}.`)), BMC] : []),
      {name: 'bootstrap-address', value: `10.10.${n}.12`},
    ]),
  )
  return {id: body.id as number, name, body}
}

const until = (id: number, status: string) =>
  waitFor(
    () => lab.store.subcloudById(id)?.deployStatus,
    (value) => value === status,
    60_000,
  )

describe('phased-subcloud-deploy', () => {
  test('create: the server dict in its order, the api-ref sample fields', async () => {
    const {body} = await created()
    expect(Object.keys(body)).toEqual(SUBCLOUD_KEYS)
    expectFieldsOf(sample('phased-subcloud-deploy/phased-subcloud-deploy-post-response.json'), body)
  })

  test("install, bootstrap, configure answers: the OpenAPI examples' keys and the samples' fields", async () => {
    await multipart(lab, 'POST', '/subcloud-deploy/', [
      file('deploy_playbook', 'p', 'playbook.yaml'),
      file('deploy_chart', 'c', 'chart.tgz'),
    ])
    const examples = response200('/v1.0/phased-subcloud-deploy', 'patch').examples as Record<string, {value: object}>
    const {id} = await created(true)
    const install = await jsonOf(await phase(lab, id, 'install', [SYSADMIN, BMC]))
    expect(Object.keys(install)).toEqual(Object.keys(examples.install.value))
    expectFieldsOf(sample('phased-subcloud-deploy/phased-subcloud-deploy-post-install-response.json'), install)
    await until(id, 'install-complete')
    const bootstrap = await jsonOf(await phase(lab, id, 'bootstrap', [SYSADMIN]))
    expect(Object.keys(bootstrap)).toEqual(Object.keys(examples.bootstrap.value))
    await until(id, 'bootstrap-complete')
    const configure = await jsonOf(await phase(lab, id, 'configure', [file('deploy_config', 'a: 1\n'), SYSADMIN]))
    expect(Object.keys(configure)).toEqual(Object.keys(examples.configure.value))
    expectFieldsOf(sample('phased-subcloud-deploy/phased-subcloud-deploy-patch-configure-response.json'), configure)
    await until(id, 'configuring')
    const abort = await jsonOf(await phase(lab, id, 'abort'))
    expectFieldsOf(sample('phased-subcloud-deploy/phased-subcloud-deploy-patch-abort-response.json'), abort)
    await until(id, 'config-aborted')
    const resume = await jsonOf(await phase(lab, id, 'resume', [SYSADMIN]))
    expect(Object.keys(resume)).toEqual(SUBCLOUD_KEYS)
    expectFieldsOf(sample('phased-subcloud-deploy/phased-subcloud-deploy-patch-resume-response.json'), resume)
  })

  test('enroll: the sample fields; stored pre-init-enroll through enroll-complete', async () => {
    const {id} = await created(true)
    const enroll = await jsonOf(await phase(lab, id, 'enroll', [SYSADMIN, BMC]))
    expect(enroll['deploy-status']).toBe('pre-init-enroll')
    expectFieldsOf(sample('phased-subcloud-deploy/phased-subcloud-deploy-patch-enroll-response.json'), enroll)
    await until(id, 'enroll-complete')
    // Enrollment leaves the initial deployment: resume and abort refuse from here on (§2.8 item 3).
    expect(lab.store.subcloudById(id)?.initialDeployment).toBe(false)
  })
})

describe('subcloud-deploy', () => {
  test("upload and show answer the OpenAPI examples' shapes and the samples' fields", async () => {
    const uploadExamples = response200('/v1.0/subcloud-deploy', 'post').examples as Record<string, {value: object}>
    const uploaded = await jsonOf(
      await multipart(lab, 'POST', '/subcloud-deploy/', [
        file('deploy_playbook', 'p', 'deploy-playbook.yaml'),
        file('deploy_chart', 'c', 'deploy-chart.tgz'),
      ]),
    )
    expect(Object.keys(uploaded).sort()).toEqual(Object.keys(uploadExamples.deployment_files.value).sort())
    expectFieldsOf(sample('subcloud-deploy/subcloud-deploy-post-response.json'), {deploy_overrides: null, ...uploaded})
    const shown = await jsonOf(await lab.api('/dcmanager/v1.0/subcloud-deploy/'))
    const example = response200('/v1.0/subcloud-deploy', 'get').example as {subcloud_deploy: object}
    expect(Object.keys(shown)).toEqual(['subcloud_deploy'])
    expect(Object.keys(shown.subcloud_deploy as object)).toEqual(Object.keys(example.subcloud_deploy))
    expectFieldsOf(
      sample('subcloud-deploy/subcloud-deploy-get-response.json').subcloud_deploy,
      shown.subcloud_deploy as Record<string, unknown>,
    )
  })
})

describe('subcloud-backup', () => {
  test('create answers the server dicts of every member; a JSON body like the restore sample is read as upstream reads it', async () => {
    const {id, name} = await created()
    await phase(lab, id, 'bootstrap', [SYSADMIN])
    await until(id, 'bootstrap-complete')
    await phase(lab, id, 'complete')
    await lab.store.setRoutes(name, [{network: '192.168.204.0', prefix: 24}])
    await waitFor(
      () => lab.store.subcloudById(id)?.availabilityStatus,
      (status) => status === 'online',
    )
    await patchSubcloud(lab, name, {'management-state': 'managed'})
    const createSample = sample('subcloud-backup/subcloud-create-backup-request.json')
    const response = await lab.api('/dcmanager/v1.0/subcloud-backup', {
      method: 'POST',
      body: JSON.stringify({...createSample, subcloud: name, sysadmin_password: b64('St8rlingX*')}),
      headers: {'content-type': 'application/json'},
    })
    const body = (await jsonOf(response)) as {subclouds: Array<Record<string, unknown>>}
    expect(Object.keys(body)).toEqual(['subclouds'])
    expect(Object.keys(body.subclouds[0])).toEqual(SUBCLOUD_KEYS)
    expectFieldsOf(sample('subcloud-backup/subcloud-create-backup-response.json').subclouds[0], body.subclouds[0])
    await waitFor(
      () => lab.store.subcloudById(id)?.backupStatus,
      (status) => status?.startsWith('complete-') === true,
    )
    await patchSubcloud(lab, name, {'management-state': 'unmanaged'})

    // The restore sample as sent (subcloud by id, with_install and a release): refused for want of install values.
    const restoreSample = sample('subcloud-backup/subcloud-restore-backup-request.json')
    const refused = await lab.api('/dcmanager/v1.0/subcloud-backup/restore', {
      method: 'PATCH',
      body: JSON.stringify({...restoreSample, subcloud: id, sysadmin_password: b64('St8rlingX*')}),
      headers: {'content-type': 'application/json'},
    })
    expect(((await jsonOf(refused)) as {description: string}).description).toBe(
      `The restore operation was requested with with_install, auto or factory, but the following subcloud(s) does not contain install values: ${name}`,
    )
    const {release: _release, with_install: _install, ...plain} = restoreSample
    const restored = await lab.api('/dcmanager/v1.0/subcloud-backup/restore', {
      method: 'PATCH',
      body: JSON.stringify({...plain, subcloud: id, sysadmin_password: b64('St8rlingX*')}),
      headers: {'content-type': 'application/json'},
    })
    const answer = (await jsonOf(restored)) as {subclouds: Array<Record<string, unknown>>}
    expect(Object.keys(answer.subclouds[0])).toEqual(SUBCLOUD_KEYS)
    expect(answer.subclouds[0]['deploy-status']).toBe('pre-restore')
    expectFieldsOf(sample('subcloud-backup/subcloud-restore-backup-response.json').subclouds[0], answer.subclouds[0])
    await until(id, 'complete')
  })
})
