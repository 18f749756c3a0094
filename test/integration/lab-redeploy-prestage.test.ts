import {afterAll, beforeAll, describe, expect, test} from '@jest/globals'

import {startTestLab, type TestLab, waitFor} from '../helpers/lab.js'
import {errorOf, labFixture, patchSubcloud, postSubcloud} from '../helpers/lab-requests.js'
import {b64, BMC, failDeployAt, file, jsonOf, multipart, phase, SYSADMIN} from '../helpers/phased-deploy.js'

/**
 * `PATCH /subclouds/{id}/redeploy` and `/prestage` on the lab (subcloud-lifecycle.md §3.2, §4): preconditions
 * with their exact texts in upstream's order, the stored sequences, prestage-status and prestage-versions.
 */
const SIMPLEX = labFixture('valid-simplex-ipv4')
const INSTALL = labFixture('install-values-simplex')

let lab: TestLab
let next = 140
beforeAll(async () => {
  lab = await startTestLab({timeScale: 0.2})
})
afterAll(async () => {
  await lab.stop()
})

const record = (id: number) => lab.store.subcloudById(id)!
const until = (id: number, status: string) =>
  waitFor(
    () => record(id).deployStatus,
    (value) => value === status,
    60_000,
  )

async function subcloud(options: {managed?: boolean; install?: boolean} = {}): Promise<{id: number; name: string}> {
  const n = next++
  const name = `rd${n}`
  const values = SIMPLEX.replace('name: subcloud1', `name: ${name}`)
    .replaceAll('192.168.101.', `192.168.${n}.`)
    .replaceAll('10.10.10.', `10.10.${n}.`)
  const extra = options.install ? [file('install_values', INSTALL.replaceAll('10.10.10.', `10.10.${n}.`)), BMC] : []
  const {id} = (await jsonOf(await postSubcloud(lab, values, extra, {address: `10.10.${n}.12`}))) as {id: number}
  await until(id, 'complete')
  if (options.managed) {
    await lab.store.setRoutes(name, [{network: '192.168.204.0', prefix: 24}])
    await waitFor(
      () => record(id).availabilityStatus,
      (status) => status === 'online',
    )
    expect((await patchSubcloud(lab, name, {'management-state': 'managed'})).status).toBe(200)
  }
  return {id, name}
}

/** Every deploy-status the subcloud takes from now on, starting with the current one. */
function trace(id: number): string[] {
  const seen = [record(id).deployStatus]
  lab.store.on('change', () => {
    const status = lab.store.subcloudById(id)?.deployStatus
    if (status && seen.at(-1) !== status) seen.push(status)
  })
  return seen
}

const redeploy = (ref: string, fields: Parameters<typeof multipart>[3]) =>
  multipart(lab, 'PATCH', `/subclouds/${ref}/redeploy`, fields)

const prestage = (ref: string, body: Record<string, unknown>) =>
  lab.api(`/dcmanager/v1.0/subclouds/${ref}/prestage`, {
    method: 'PATCH',
    body: JSON.stringify(body),
    headers: {'content-type': 'application/json'},
  })

describe('redeploy', () => {
  test('refused for an online or managed subcloud, and without stored install data', async () => {
    const managed = await subcloud({managed: true})
    expect(await errorOf(await redeploy(managed.name, [SYSADMIN]))).toEqual({
      status: 400,
      description: 'Cannot re-deploy an online and/or managed subcloud',
    })
    const plain = await subcloud()
    expect(await errorOf(await redeploy(plain.name, [SYSADMIN]))).toEqual({
      status: 400,
      description: 'Failed to read data install from db',
    })
  })

  test('stores pre-install and the release, then install -> bootstrap -> complete; abort works during it', async () => {
    const {id, name} = await subcloud({install: true})
    const seen = trace(id)
    const answer = await jsonOf(await redeploy(name, [SYSADMIN, {name: 'description', value: 'rebuilt'}]))
    expect(answer).toMatchObject({'deploy-status': 'pre-install', 'software-version': '24.09', description: 'rebuilt'})
    await until(id, 'complete')
    expect(seen).toEqual([
      'complete',
      'pre-install',
      'installing',
      'install-complete',
      'pre-bootstrap',
      'bootstrapping',
      'bootstrap-complete',
      'complete',
    ])
    expect(record(id).managementState).toBe('unmanaged')

    await redeploy(name, [SYSADMIN])
    await until(id, 'installing')
    expect((await jsonOf(await phase(lab, id, 'abort')))['deploy-status']).toBe('aborting-install')
    await until(id, 'install-aborted')
  })

  test('a password is required; a failure stops the sequence in that phase', async () => {
    const {id, name} = await subcloud({install: true})
    expect(await errorOf(await redeploy(name, [{name: 'release', value: '24.09'}]))).toEqual({
      status: 400,
      description: 'subcloud sysadmin_password required',
    })
    await failDeployAt(lab, name, 'bootstrapping')
    await redeploy(name, [SYSADMIN])
    await until(id, 'bootstrap-failed')
  })
})

describe('prestage', () => {
  test('release checks come before the offline check; then offline, unmanaged', async () => {
    const offline = await subcloud()
    const password = b64('St8rlingX*')
    expect(await errorOf(await prestage(offline.name, {}))).toEqual({
      status: 400,
      description: 'sysadmin_password is required.',
    })
    expect(await errorOf(await prestage(offline.name, {sysadmin_password: password, force: 'maybe'}))).toEqual({
      status: 400,
      description: 'Invalid value for force option: maybe',
    })
    expect(await errorOf(await prestage(offline.name, {sysadmin_password: password, release: '24.09.1'}))).toEqual({
      status: 400,
      description: `Prestage failed '${offline.name}': Specified release format is not supported. Version format must be MM.mm.`,
    })
    expect(
      await errorOf(
        await prestage(offline.name, {sysadmin_password: password, release: '21.12', for_sw_deploy: 'true'}),
      ),
    ).toEqual({
      status: 400,
      description: `Prestage failed '${offline.name}': The requested software version is not supported, cannot prestage for software deploy.`,
    })
    expect(await errorOf(await prestage(offline.name, {sysadmin_password: password, for_install: 'true'}))).toEqual({
      status: 400,
      description: `Prestage skipped '${offline.name}': Subcloud is offline.`,
    })
  })

  test('prestaging -> complete with prestage-versions; a second request while prestaging is skipped', async () => {
    const {id, name} = await subcloud({managed: true})
    const password = b64('St8rlingX*')
    const response = await prestage(name, {sysadmin_password: password, for_install: 'true'})
    const answer = await jsonOf(response)
    expect(response.status).toBe(200)
    expect(answer).toMatchObject({'prestage-status': 'prestaging', 'prestage-software-version': '24.09'})
    expect(Object.keys(answer).at(-1)).toBe('prestage-software-version')
    expect(await errorOf(await prestage(name, {sysadmin_password: password, for_install: 'true'}))).toEqual({
      status: 400,
      description: `Prestage skipped '${name}': Subcloud ${name} current prestage_status is 'prestaging'. Please wait until it finishes before running this operation.`,
    })
    await waitFor(
      () => record(id).prestageStatus,
      (status) => status === 'complete',
    )
    expect(record(id).prestageVersions).toBe('for-install: 24.09 - for-sw-deploy: None')

    await prestage(name, {sysadmin_password: password, for_sw_deploy: 'true'})
    await waitFor(
      () => record(id).prestageStatus,
      (status) => status === 'complete',
      30_000,
    )
    await waitFor(
      () => record(id).prestageVersions,
      (versions) => versions === 'for-install: 24.09 - for-sw-deploy: 24.09',
    )
    expect(record(id).deployStatus).toBe('complete')

    await failDeployAt(lab, name, 'prestaging')
    await prestage(name, {sysadmin_password: password})
    await waitFor(
      () => record(id).prestageStatus,
      (status) => status === 'failed',
    )
    expect(record(id).errorDescription).toMatch(new RegExp(`^FAILED prestaging playbook of \\(${name}\\)\\.`))
    expect(record(id).prestageVersions).toBe('for-install: 24.09 - for-sw-deploy: 24.09')
  })
})
