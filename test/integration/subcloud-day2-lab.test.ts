import {afterAll, beforeAll, describe, expect, test} from '@jest/globals'

import {runDcm} from '../helpers/cli.js'
import {startTestLab, type TestLab, waitFor} from '../helpers/lab.js'
import {labFixture, patchSubcloud, postSubcloud} from '../helpers/lab-requests.js'
import {BMC, failDeployAt, file, jsonOf} from '../helpers/phased-deploy.js'

/**
 * `dcm subcloud-backup create|delete|restore` against `dcm lab` (issue 11): the client's requests and --wait on the
 * lab's real backup and restore state machines. One lab for the file; each test adds its own subclouds.
 */
const SIMPLEX = labFixture('valid-simplex-ipv4')
const INSTALL = labFixture('install-values-simplex')
let lab: TestLab
let next = 160
let groups = 0

beforeAll(async () => {
  lab = await startTestLab({timeScale: 0.2})
})
afterAll(async () => {
  await lab.stop()
})

const dcm = (...args: string[]) =>
  runDcm([...args], {env: {...lab.env, DCM_SYSADMIN_PASSWORD: 'St8rlingX*'}, timeoutMs: 120_000})
const record = (id: number) => lab.store.subcloudById(id)!

/** A deployed subcloud; `managed` also makes it online (a route to the System Controller) and manages it. */
async function subcloud(
  options: {managed?: boolean; group?: number; install?: boolean} = {},
): Promise<{id: number; name: string}> {
  const n = next++
  const name = `day2-${n}`
  const values = SIMPLEX.replace('name: subcloud1', `name: ${name}`)
    .replaceAll('192.168.101.', `192.168.${n}.`)
    .replaceAll('10.10.10.', `10.10.${n}.`)
  const extra = [
    ...(options.install ? [file('install_values', INSTALL.replaceAll('10.10.10.', `10.10.${n}.`)), BMC] : []),
    ...(options.group ? [{name: 'group_id', value: String(options.group)}] : []),
  ]
  const {id} = (await jsonOf(await postSubcloud(lab, values, extra, {address: `10.10.${n}.12`}))) as {id: number}
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
      60_000,
    )
    expect((await patchSubcloud(lab, name, {'management-state': 'managed'})).status).toBe(200)
  }
  return {id, name}
}

async function group(): Promise<string> {
  const name = `day2-group-${++groups}`
  const result = await dcm('subcloud-group', 'add', '--name', name)
  expect(result.code).toBe(0)
  return name
}

const rowsOf = (table: string) =>
  table
    .split('\n')
    .filter((line) => line.startsWith('| day2-'))
    .map((line) =>
      line
        .split('|')
        .map((cell) => cell.trim())
        .slice(1, 4),
    )

describe('subcloud-backup on the lab', () => {
  test('create --wait for a subcloud ends complete-central (exit 0); delete removes it', async () => {
    const {id, name} = await subcloud({managed: true})
    const created = await dcm('subcloud-backup', 'create', '--subcloud', name, '--wait', '-f', 'json')
    expect(created.code).toBe(0)
    // Progress: a timestamped line per change (no terminal here).
    expect(created.stderr).toMatch(new RegExp(`^\\S+Z ${name}: [a-z-]+, 0:\\d\\d elapsed\\n`))
    expect(created.stderr).toContain(`${name}: complete-central,`)
    const shown = JSON.parse(created.stdout) as Record<string, unknown>
    expect(shown).toMatchObject({name, backup_status: 'complete-central'})
    expect(shown.backup_datetime).toEqual(expect.any(String))
    const release = record(id).softwareVersion
    const deleted = await dcm('subcloud-backup', 'delete', release, '--subcloud', name)
    expect({code: deleted.code, stdout: deleted.stdout, stderr: deleted.stderr}).toEqual({
      code: 0,
      stdout: '',
      stderr: '',
    })
    expect(record(id).backupStatus).toBe('unknown')
  })

  test('a group with one refused subcloud: the summary names it, exit 1', async () => {
    const name = await group()
    const groupId = lab.store.groups.find((g) => g.name === name)!.id
    const good = await subcloud({managed: true, group: groupId})
    const refused = await subcloud({group: groupId})
    const result = await dcm('subcloud-backup', 'create', '--group', name, '--local-only', '--wait')
    expect(result.code).toBe(1)
    expect(rowsOf(result.stdout)).toEqual([
      [good.name, 'ok', 'complete-local'],
      [refused.name, 'failed', 'validate-failed'],
    ])
    expect(result.stderr).toContain(`Error: backup failed for 1 of 2 subclouds: ${refused.name}\n`)
  })

  test('a failed backup: exit 1 naming the state and the playbook text', async () => {
    const {name} = await subcloud({managed: true})
    await failDeployAt(lab, name, 'backing-up')
    const result = await dcm('subcloud-backup', 'create', '--subcloud', name, '--wait')
    expect({code: result.code, stdout: result.stdout}).toEqual({code: 1, stdout: ''})
    expect(result.stderr).toContain(
      `Error: subcloud ${name} backup failed: failed: FAILED backing-up playbook of (${name}).`,
    )
  })

  test('restore --wait walks to complete and leaves the subcloud unmanaged; a managed one is refused', async () => {
    const {id, name} = await subcloud({managed: true})
    expect((await dcm('subcloud-backup', 'create', '--subcloud', name, '--wait')).code).toBe(0)
    const refused = await dcm('subcloud-backup', 'restore', '--subcloud', name)
    expect(refused.code).toBe(1)
    expect(refused.stderr).toBe(
      `Error: Unable to restore subcloud backup: Subcloud ${name} must be unmanaged and in a valid deploy state for the subcloud-backup restore operation. (HTTP 400)\n`,
    )
    expect((await dcm('subcloud', 'unmanage', name)).code).toBe(0)
    const restored = await dcm(
      'subcloud-backup',
      'restore',
      '--subcloud',
      name,
      '--wait',
      '-f',
      'value',
      '-c',
      'deploy_status',
    )
    expect({code: restored.code, stdout: restored.stdout}).toEqual({code: 0, stdout: 'complete\n'})
    expect(record(id).managementState).toBe('unmanaged')
  })
})

describe('redeploy and prestage on the lab', () => {
  test('redeploy --wait walks install, bootstrap to complete (exit 0); a bootstrap failure is exit 1 naming it', async () => {
    const {id, name} = await subcloud({install: true})
    const done = await dcm('subcloud', 'redeploy', name, '--wait', '-f', 'value', '-c', 'deploy_status')
    expect({code: done.code, stdout: done.stdout}).toEqual({code: 0, stdout: 'complete\n'})
    // Which states a poll sees depends on the machine's load; the last one is the final state.
    expect(done.stderr).toMatch(new RegExp(`${name}: complete, \\S+ elapsed\\n$`))
    expect(record(id).managementState).toBe('unmanaged')
    await failDeployAt(lab, name, 'bootstrapping')
    const failed = await dcm('subcloud', 'redeploy', name, '--wait')
    expect({code: failed.code, stdout: failed.stdout}).toEqual({code: 1, stdout: ''})
    expect(failed.stderr).toMatch(
      new RegExp(
        `Error: subcloud ${name} redeploy failed: bootstrap-failed: FAILED bootstrapping playbook of \\(${name}\\)`,
      ),
    )
  })

  test('redeploy of a managed subcloud: the server refuses, exit 1', async () => {
    const {name} = await subcloud({managed: true, install: true})
    const result = await dcm('subcloud', 'redeploy', name)
    expect(result.code).toBe(1)
    expect(result.stderr).toBe(
      `Error: Unable to redeploy subcloud ${name}: Cannot re-deploy an online and/or managed subcloud (HTTP 400)\n`,
    )
  })

  test('prestage --wait ends complete with the version row; an offline subcloud is skipped, exit 1', async () => {
    const {id, name} = await subcloud({managed: true})
    const result = await dcm('subcloud', 'prestage', name, '--wait', '-f', 'json')
    expect(result.code).toBe(0)
    const shown = JSON.parse(result.stdout) as Record<string, unknown>
    expect(shown).toMatchObject({name, prestage_status: 'complete', prestage_software_version: '24.09'})
    expect(Object.keys(shown).at(-1)).toBe('prestage_software_version')
    expect(record(id).prestageVersions).toBe('for-install: 24.09 - for-sw-deploy: None')
    const offline = await subcloud()
    const skipped = await dcm('subcloud', 'prestage', offline.name)
    expect({code: skipped.code, stderr: skipped.stderr}).toEqual({
      code: 1,
      stderr: `Error: Unable to prestage subcloud ${offline.name}: Prestage skipped '${offline.name}': Subcloud is offline. (HTTP 400)\n`,
    })
  })
})
