import {afterAll, beforeAll, describe, expect, it} from '@jest/globals'

import {parseMultipart} from '../../src/lab/http/multipart.js'
import type {SubcloudRecord} from '../../src/lab/dcmanager/subcloud-model.js'
import {seedFleet} from '../../src/lab/scenarios/fleet.js'
import {type FaultServer, inFrontOf} from '../faults/fault-server.js'
import {runDcm} from '../helpers/cli.js'
import {startTestLab, type TestLab} from '../helpers/lab.js'
import {runDcmOnPty} from '../helpers/pty.js'

/**
 * list / show / errors / manage / unmanage / update / delete through the built CLI, failures included, against a
 * test lab behind the fault server (which records the request bodies).
 */
describe('dcm subcloud commands', () => {
  let lab: TestLab
  let faults: FaultServer
  const dcm = (...args: string[]) => runDcm(args, {env: faults.env()})
  const lastPatch = () => {
    const patch = faults.requests.filter((r) => r.method === 'PATCH').at(-1)!
    const parts = parseMultipart(patch.body, String(patch.headers['content-type']))
    return new Map([...parts].map(([name, part]) => [name, part.data.toString('utf8')]))
  }
  const names = () => lab.store.subclouds.map((subcloud) => subcloud.name)

  beforeAll(async () => {
    lab = await startTestLab()
    const seeded = await seedFleet(lab.store, {count: 4, prefix: 'seed'})
    const shape = (index: number, change: Partial<SubcloudRecord>) =>
      lab.store.updateSubcloud(lab.store.subcloudByName(seeded[index])!.id, {managementState: 'unmanaged', ...change})
    // Deployed with a route back: online. Deployed without one: offline. A secondary one. A failed bootstrap.
    shape(0, {name: 'online1', oamFloatingAddress: '10.10.10.12'})
    shape(1, {name: 'offline2'})
    await lab.store.setRoutes('offline2', [])
    shape(2, {name: 'peer3', deployStatus: 'secondary'})
    shape(3, {
      name: 'failed4',
      deployStatus: 'bootstrap-failed',
      errorDescription: 'FAILED: TASK [x]\nfatal: [controller-0]: FAILED!',
    })
    lab.audit()
    faults = await inFrontOf(lab)
  })
  afterAll(async () => {
    await faults.stop()
    await lab.stop()
  })

  it('list hides secondary subclouds unless --all; -c switches to the detail column names', async () => {
    const plain = await dcm('subcloud', 'list', '-f', 'value', '-c', 'name', '-c', 'deploy_status')
    expect(plain.code).toBe(0)
    expect(plain.stdout).toBe('online1 complete\noffline2 complete\nfailed4 bootstrap-failed\n')
    const all = await dcm('subcloud', 'list', '--all', '-f', 'csv', '-c', 'name')
    expect(all.stdout).toBe('"name"\n"online1"\n"offline2"\n"peer3"\n"failed4"\n')
  })

  it('show by id and by name; --detail adds the OAM address of an online subcloud', async () => {
    const byId = await dcm('subcloud', 'show', '1', '-f', 'json')
    const byName = await dcm('subcloud', 'show', 'online1', '-f', 'json')
    expect(JSON.parse(byId.stdout)).toEqual(JSON.parse(byName.stdout))
    const detail = JSON.parse((await dcm('subcloud', 'show', 'online1', '--detail', '-f', 'json')).stdout)
    expect(detail.oam_floating_ip).toBe('10.10.10.12')
    expect(detail.deploy_config_sync_status).toBe('Deployment: configurations up-to-date')
    const offline = JSON.parse((await dcm('subcloud', 'show', 'offline2', '--detail', '-f', 'json')).stdout)
    expect(offline).not.toHaveProperty('deploy_config_sync_status') // 'unknown' is not shown
    expect(Object.keys(detail).slice(21, 28)).toEqual([
      'dc-cert_sync_status',
      'firmware_sync_status',
      'identity_sync_status',
      'kube-rootca_sync_status',
      'kubernetes_sync_status',
      'platform_sync_status',
      'software_sync_status',
    ])
    expect(Object.keys(detail).at(-1)).toBe('region_name')
  })

  it('an unknown subcloud is exit 1 with the server message', async () => {
    const result = await dcm('subcloud', 'show', 'nosuch')
    expect(result.code).toBe(1)
    expect(result.stderr).toBe('Error: Unable to show subcloud nosuch: Subcloud not found (HTTP 404)\n')
  })

  it('errors prints the error description verbatim', async () => {
    const result = await dcm('subcloud', 'errors', 'failed4')
    expect(result.code).toBe(0)
    // The server's text (upstream appends its hint for the failed phase), several lines, printed as is.
    const shown = (await (await lab.api('/dcmanager/v1.0/subclouds/failed4')).json()) as Record<string, string>
    expect(shown['error-description']).toMatch(/^FAILED: TASK \[x\]\nfatal: \[controller-0\]: FAILED!\n\S/)
    expect(result.stdout).toBe(`${shown['error-description']}\n`)
  })

  it('manage of an offline subcloud fails with the server reason (exit 1)', async () => {
    const result = await dcm('subcloud', 'manage', 'offline2')
    expect(result.code).toBe(1)
    expect(result.stderr).toBe('Error: Unable to manage subcloud offline2: Subcloud is not online. (HTTP 422)\n')
    expect(lastPatch().get('management-state')).toBe('managed')
  })

  it('manage / unmanage an online subcloud; --force is sent as "true"', async () => {
    const managed = await dcm('subcloud', 'manage', 'online1', '-f', 'value', '-c', 'management')
    expect(managed.stdout).toBe('managed\n')
    const again = await dcm('subcloud', 'manage', 'online1', '--force')
    expect(again.stderr).toBe(
      'Error: Unable to manage subcloud online1: Bad subcloud request: Subcloud online1 already managed (HTTP 422)\n',
    )
    expect(lastPatch().get('force')).toBe('true')
  })

  it('manage, unmanage and update print the plain detail format: no region_name row (only show has it)', async () => {
    for (const args of [
      ['unmanage', 'online1'],
      ['manage', 'online1'],
      ['update', 'online1', '--description', 'Edge 1'],
    ]) {
      const result = await dcm('subcloud', ...args)
      expect(result.code).toBe(0)
      expect(result.stdout).toMatch(/^\| prestage_versions /m)
      expect(result.stdout).not.toContain('region_name')
    }
    expect((await dcm('subcloud', 'show', 'online1')).stdout).toMatch(/^\| region_name +\| \S+/m)
  })

  it('an empty reference is refused before anything is sent, in upstream words (exit 2)', async () => {
    const before = faults.requests.length
    for (const command of ['show', 'errors', 'unmanage', 'delete']) {
      const result = await dcm('subcloud', command, '')
      expect(result).toMatchObject({code: 2, stdout: '', stderr: 'Error: Subcloud cannot be an empty value.\n'})
    }
    const group = await dcm('subcloud-group', 'show', '')
    expect(group).toMatchObject({code: 2, stdout: '', stderr: 'Error: Subcloud group cannot be an empty value.\n'})
    expect(faults.requests.length).toBe(before)
  })

  it('delete follows CLI_CONFIRMATIONS: unset, it deletes with no terminal as upstream; enabled, it needs --yes', async () => {
    // Piped, no terminal, no --yes: upstream sends the delete (here refused by the server: still managed).
    const managed = await dcm('subcloud', 'delete', 'online1')
    expect(managed.code).toBe(1)
    expect(managed.stderr).toBe(
      "Error: Unable to delete subcloud online1: Cannot delete a subcloud that is 'managed' status (HTTP 400)\n",
    )
    const unmanaged = await dcm('subcloud', 'unmanage', 'online1', '-f', 'value', '-c', 'management')
    expect(unmanaged.stdout).toBe('unmanaged\n')
    // Powered down (no route back: offline), as the server requires before a delete.
    await lab.store.setRoutes('online1', [])
    lab.audit()
    const before = faults.requests.length
    const enabled = await runDcm(['subcloud', 'delete', 'online1'], {env: faults.env({CLI_CONFIRMATIONS: 'enabled'})})
    expect(enabled).toMatchObject({
      code: 2,
      stderr: 'Error: confirmation required (CLI_CONFIRMATIONS=enabled): no terminal to prompt on\nHint: pass --yes\n',
    })
    expect(faults.requests.length).toBe(before)
    const deleted = await runDcm(['subcloud', 'delete', 'online1', '--yes'], {
      env: faults.env({CLI_CONFIRMATIONS: 'enabled'}),
    })
    expect(deleted.code).toBe(0)
    expect(deleted.stdout).toBe('')
    expect(names()).not.toContain('online1')
  })

  it('unmanage asks for confirmation only with CLI_CONFIRMATIONS=enabled (then --yes or a terminal)', async () => {
    const before = faults.requests.length
    const asked = await runDcm(['subcloud', 'unmanage', 'offline2'], {env: faults.env({CLI_CONFIRMATIONS: 'enabled'})})
    expect(asked.code).toBe(2)
    expect(asked.stderr).toBe(
      'Error: confirmation required (CLI_CONFIRMATIONS=enabled): no terminal to prompt on\nHint: pass --yes\n',
    )
    expect(faults.requests.length).toBe(before)
    const yes = await runDcm(['subcloud', 'unmanage', 'offline2', '--yes'], {
      env: faults.env({CLI_CONFIRMATIONS: 'enabled'}),
    })
    // offline2 is already unmanaged: the server's message proves the request was sent.
    expect(yes.stderr).toBe(
      'Error: Unable to unmanage subcloud offline2: Bad subcloud request: Subcloud offline2 already unmanaged (HTTP 422)\n',
    )
  })

  it('update sends only the given fields; nothing to update is exit 2 without a request', async () => {
    const result = await dcm(
      'subcloud',
      'update',
      'offline2',
      '--description',
      'Edge 2',
      '--location',
      'Kanata',
      '--group',
      'Default',
    )
    expect(result.code).toBe(0)
    const form = lastPatch()
    expect([...form.keys()]).toEqual(['description', 'location', 'group_id'])
    expect(form.get('group_id')).toBe('Default')
    const before = faults.requests.length
    const nothing = await dcm('subcloud', 'update', 'offline2')
    expect(nothing.code).toBe(2)
    expect(nothing.stderr).toBe('Error: Nothing to update\n')
    const partial = await dcm('subcloud', 'update', 'offline2', '--management-subnet', '192.168.110.0/24')
    expect(partial.code).toBe(2)
    expect(partial.stderr).toMatch(/^Error: For subcloud network reconfiguration request all the following parameters/)
    expect(faults.requests.length).toBe(before)
  })

  it("CLI_CONFIRMATIONS=enabled on a terminal: upstream's question; anything but yes cancels (exit 1)", async () => {
    const env = faults.env({CLI_CONFIRMATIONS: 'enabled'})
    const question = 'Do you want to continue? (yes/No):'
    const before = faults.requests.length
    const kept = await runDcmOnPty(['subcloud', 'delete', 'failed4'], [{expect: question}, {send: 'y\r'}], {env})
    expect(kept).toMatchObject({code: 1, error: null})
    expect(kept.output).toContain('WARNING: This is a high-risk operation that may cause service interruption')
    expect(kept.output).toContain('Error: Operation cancelled by the user.')
    expect(faults.requests.length).toBe(before)
    const deleted = await runDcmOnPty(['subcloud', 'delete', 'failed4'], [{expect: question}, {send: 'yes\r'}], {env})
    expect(deleted).toMatchObject({code: 0, error: null})
    expect(names()).not.toContain('failed4')
  })
})
