import {afterAll, beforeAll, describe, expect, test} from '@jest/globals'

import {startTestLab, type TestLab, waitFor} from '../helpers/lab.js'
import {errorOf, labFixture, patchSubcloud, postSubcloud} from '../helpers/lab-requests.js'
import {b64, failDeployAt, file, jsonOf, multipart} from '../helpers/phased-deploy.js'

/**
 * The lab's subcloud-backup family (dcmanager-api.md §2.5, subcloud-lifecycle.md §5) over HTTP: create for a
 * subcloud and a group (one member refused), delete (204/207/422), restore with and without install, and the
 * request checks in upstream's order. One lab for the file; each test adds its own subclouds.
 */
const SIMPLEX = labFixture('valid-simplex-ipv4')
const INSTALL = labFixture('install-values-simplex')
const PASSWORD = {name: 'sysadmin_password', value: b64('St8rlingX*')}

let lab: TestLab
let next = 120
let groupCount = 0
beforeAll(async () => {
  lab = await startTestLab({timeScale: 0.2})
})
afterAll(async () => {
  await lab.stop()
})

function values(name: string, n: number): string {
  return SIMPLEX.replace('name: subcloud1', `name: ${name}`)
    .replaceAll('192.168.101.', `192.168.${n}.`)
    .replaceAll('10.10.10.', `10.10.${n}.`)
}

const record = (id: number) => lab.store.subcloudById(id)!

/** A deployed subcloud; `managed` also makes it online (a route to the System Controller) and manages it. */
async function subcloud(
  options: {managed?: boolean; group?: number; install?: boolean} = {},
): Promise<{id: number; name: string}> {
  const n = next++
  const name = `bk${n}`
  const extra = [
    ...(options.install
      ? [
          file('install_values', INSTALL.replaceAll('10.10.10.', `10.10.${n}.`)),
          {name: 'bmc_password', value: b64('bmc')},
        ]
      : []),
    ...(options.group ? [{name: 'group_id', value: String(options.group)}] : []),
  ]
  const response = await postSubcloud(lab, values(name, n), extra, {address: `10.10.${n}.12`})
  const {id} = (await jsonOf(response)) as {id: number}
  await waitFor(
    () => record(id).deployStatus,
    (status) => status === 'complete',
    60_000,
  )
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

async function group(): Promise<number> {
  const response = await lab.api('/dcmanager/v1.0/subcloud-groups/', {
    method: 'POST',
    body: JSON.stringify({
      name: `backup-group-${++groupCount}`,
      description: 'backups',
      update_apply_type: 'parallel',
      max_parallel_subclouds: 2,
    }),
    headers: {'content-type': 'application/json'},
  })
  return ((await jsonOf(response)) as {id: number}).id
}

const backup = (fields: Array<{name: string; value: string; filename?: string}>) =>
  multipart(lab, 'POST', '/subcloud-backup/', fields)
const restore = (fields: Array<{name: string; value: string; filename?: string}>) =>
  multipart(lab, 'PATCH', '/subcloud-backup/restore', fields)
const remove = (release: string, fields: Array<{name: string; value: string}>) =>
  multipart(lab, 'PATCH', `/subcloud-backup/delete/${release}`, fields)
const bool = (name: string, value = 'false') => ({name, value})

describe('subcloud-backup create', () => {
  test('request checks in upstream order', async () => {
    const {name} = await subcloud()
    expect(await errorOf(await backup([{name: 'subcloud', value: name}]))).toEqual({
      status: 400,
      description: 'subcloud sysadmin_password required',
    })
    expect(
      await errorOf(await backup([{name: 'subcloud', value: name}, {name: 'colour', value: 'red'}, PASSWORD])),
    ).toEqual({
      status: 400,
      description: 'Unexpected parameter received',
    })
    expect(
      await errorOf(await backup([{name: 'subcloud', value: name}, bool('registry_images', 'true'), PASSWORD])),
    ).toEqual({
      status: 400,
      description: 'Option registry_images can not be used without local_only option.',
    })
    expect(
      await errorOf(await backup([{name: 'subcloud', value: name}, {name: 'group', value: '1'}, PASSWORD])),
    ).toEqual({
      status: 400,
      description: "'subcloud' and 'group' parameters should not be given at the same time",
    })
    expect(await errorOf(await backup([{name: 'subcloud', value: 'nosuch'}, PASSWORD]))).toEqual({
      status: 400,
      description: 'Subcloud not found',
    })
    expect(await errorOf(await backup([{name: 'group', value: 'nosuch'}, PASSWORD]))).toEqual({
      status: 404,
      description: 'Group not found',
    })
    expect(await errorOf(await backup([PASSWORD]))).toEqual({
      status: 400,
      description: "'subcloud' or 'group' parameter is required",
    })
    expect(
      await errorOf(
        await backup([{name: 'subcloud', value: name}, bool('local_only'), bool('registry_images'), PASSWORD]),
      ),
    ).toEqual({
      status: 400,
      description: `Subcloud ${name} must be deployed, online and managed for the subcloud-backup create operation.`,
    })
  })

  test('a subcloud: the answer shows it as before; the backup ends complete-central with its time', async () => {
    const {id, name} = await subcloud({managed: true})
    const response = await backup([
      {name: 'subcloud', value: name},
      bool('local_only'),
      bool('registry_images'),
      PASSWORD,
    ])
    const body = (await jsonOf(response)) as {subclouds: Array<Record<string, unknown>>}
    expect(response.status).toBe(200)
    expect(body.subclouds).toHaveLength(1)
    expect(body.subclouds[0]['backup-status']).toBeNull()
    await waitFor(
      () => record(id).backupStatus,
      (status) => status === 'complete-central',
    )
    expect(record(id).backupDatetime).toMatch(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/)
    expect(lab.store.backupOf(id, '24.09')?.central).toBe(record(id).backupDatetime)
  })

  test('a group with one refused member: both answered, the refused one ends validate-failed', async () => {
    const groupId = await group()
    const good = await subcloud({managed: true, group: groupId})
    const refused = await subcloud({group: groupId})
    const response = await backup([
      {name: 'group', value: String(groupId)},
      bool('local_only', 'true'),
      bool('registry_images'),
      PASSWORD,
    ])
    const body = (await jsonOf(response)) as {subclouds: Array<Record<string, unknown>>}
    expect(body.subclouds.map((item) => item.name)).toEqual([good.name, refused.name])
    await waitFor(
      () => [record(good.id).backupStatus, record(refused.id).backupStatus],
      ([a, b]) => a === 'complete-local' && b === 'validate-failed',
    )
    expect(lab.store.backupOf(good.id, '24.09')?.local).toBeDefined()

    const none = await group()
    await subcloud({group: none})
    expect(await errorOf(await backup([{name: 'group', value: String(none)}, PASSWORD]))).toEqual({
      status: 400,
      description: `None of the subclouds in group ${none} are in a valid state for subcloud-backup create`,
    })
  })

  test('a failed backup stores failed with the playbook text', async () => {
    const {id, name} = await subcloud({managed: true})
    await failDeployAt(lab, name, 'backing-up')
    await backup([{name: 'subcloud', value: name}, bool('local_only'), bool('registry_images'), PASSWORD])
    await waitFor(
      () => record(id).backupStatus,
      (status) => status === 'failed',
    )
    expect(record(id).errorDescription).toMatch(new RegExp(`^FAILED backing-up playbook of \\(${name}\\)\\.`))
  })
})

describe('subcloud-backup delete', () => {
  test('204 when deleted, 422 when every attempt failed, 207 naming the skipped members', async () => {
    const groupId = await group()
    const a = await subcloud({managed: true, group: groupId})
    const b = await subcloud({group: groupId})
    await backup([{name: 'subcloud', value: a.name}, bool('local_only'), bool('registry_images'), PASSWORD])
    await waitFor(
      () => record(a.id).backupStatus,
      (status) => status === 'complete-central',
    )
    const missing = await multipart(lab, 'PATCH', '/subcloud-backup/delete', [{name: 'subcloud', value: a.name}])
    expect(await errorOf(missing)).toEqual({status: 400, description: 'Release version required'})

    const deleted = await remove('24.09', [{name: 'subcloud', value: a.name}, bool('local_only')])
    expect(deleted.status).toBe(204)
    expect(record(a.id)).toMatchObject({backupStatus: 'unknown', backupDatetime: null})
    const again = await remove('24.09', [{name: 'subcloud', value: a.name}, bool('local_only')])
    expect(await errorOf(again)).toEqual({
      status: 422,
      description: "Failed to run subcloud-backup delete. Please run 'dcmanager subcloud error' command for details",
    })
    // Locally, b (offline, unmanaged) is skipped; a has no local backup.
    const partial = await remove('24.09', [
      {name: 'group', value: String(groupId)},
      bool('local_only', 'true'),
      PASSWORD,
    ])
    expect(partial.status).toBe(207)
    expect(await partial.json()).toBe(
      `Subcloud backup delete operation completed with warnings:\nThe following subclouds were skipped for local backup delete operation: ${b.name}.The following subclouds failed during backup delete operation: ${a.name}.`,
    )
    expect(
      await errorOf(await remove('24.09', [{name: 'subcloud', value: b.name}, bool('local_only', 'true'), PASSWORD])),
    ).toEqual({
      status: 400,
      description: `Subcloud ${b.name} must be online and managed for the subcloud-backup delete operation with --local-only option.`,
    })
  })
})

describe('subcloud-backup restore', () => {
  /** A managed subcloud with a central backup, then unmanaged, ready to restore. */
  async function backedUp(install = false): Promise<{id: number; name: string}> {
    const sc = await subcloud({managed: true, install})
    await backup([{name: 'subcloud', value: sc.name}, bool('local_only'), bool('registry_images'), PASSWORD])
    await waitFor(
      () => record(sc.id).backupStatus,
      (status) => status === 'complete-central',
    )
    expect((await patchSubcloud(lab, sc.name, {'management-state': 'unmanaged'})).status).toBe(200)
    return sc
  }

  function trace(id: number): string[] {
    // Starts with the resting state before the restore.
    const seen: string[] = [lab.store.subcloudById(id)!.deployStatus]
    lab.store.on('change', () => {
      const status = lab.store.subcloudById(id)?.deployStatus
      if (status && seen.at(-1) !== status) seen.push(status)
    })
    return seen
  }

  test('without install: pre-restore -> restoring -> complete, still unmanaged', async () => {
    const {id, name} = await backedUp()
    const seen = trace(id)
    const response = await restore([
      {name: 'subcloud', value: name},
      ...['local_only', 'with_install', 'registry_images', 'auto', 'factory'].map((flag) => bool(flag)),
      PASSWORD,
    ])
    const body = (await jsonOf(response)) as {subclouds: Array<Record<string, unknown>>}
    expect(body.subclouds.map((item) => [item.name, item['deploy-status']])).toEqual([[name, 'pre-restore']])
    await waitFor(
      () => seen.at(-1),
      (status) => status === 'complete',
    )
    expect(seen).toEqual(['complete', 'pre-restore', 'restoring', 'complete'])
    expect(record(id).managementState).toBe('unmanaged')
    // The inventory flag is now false: resume is an initial-deployment command.
  })

  test('with install: pre-restore -> pre-install -> installing -> restoring -> complete', async () => {
    const {id, name} = await backedUp(true)
    const seen = trace(id)
    await restore([{name: 'subcloud', value: name}, bool('with_install', 'true'), PASSWORD])
    await waitFor(
      () => seen.at(-1),
      (status) => status === 'complete',
    )
    expect(seen).toEqual(['complete', 'pre-restore', 'pre-install', 'installing', 'restoring', 'complete'])
  })

  test('refusals: managed, no install values, release without install; a missing backup fails the playbook', async () => {
    const managed = await subcloud({managed: true})
    expect(await errorOf(await restore([{name: 'subcloud', value: managed.name}, PASSWORD]))).toEqual({
      status: 400,
      description: `Subcloud ${managed.name} must be unmanaged and in a valid deploy state for the subcloud-backup restore operation.`,
    })
    const plain = await subcloud()
    expect(
      await errorOf(await restore([{name: 'subcloud', value: plain.name}, bool('with_install', 'true'), PASSWORD])),
    ).toEqual({
      status: 400,
      description: `The restore operation was requested with with_install, auto or factory, but the following subcloud(s) does not contain install values: ${plain.name}`,
    })
    expect(
      await errorOf(
        await restore([{name: 'subcloud', value: plain.name}, {name: 'release', value: '24.09'}, PASSWORD]),
      ),
    ).toEqual({
      status: 400,
      description: "Option release cannot be used without 'with_install' or 'factory' options.",
    })
    expect(
      await errorOf(await restore([{name: 'subcloud', value: plain.name}, bool('registry_images', 'true'), PASSWORD])),
    ).toEqual({
      status: 400,
      description: 'Option registry_images cannot be used without local_only option.',
    })
    await restore([{name: 'subcloud', value: plain.name}, PASSWORD])
    await waitFor(
      () => record(plain.id).deployStatus,
      (status) => status === 'restore-failed',
    )
    expect(record(plain.id).errorDescription).toMatch(
      new RegExp(`^FAILED restoring playbook of \\(${plain.name}\\)\\.`),
    )
  })
})
