import {afterAll, beforeAll, describe, expect, it} from '@jest/globals'

import {runDcm} from '../helpers/cli.js'
import {startTestLab, type TestLab} from '../helpers/lab.js'
import {bootstrapValues, fixtureDir, type FixtureDir} from '../helpers/subcloud-fixtures.js'

/**
 * Every subcloud command of the built CLI against a started `dcm lab` on loopback (issue 3 Must show), the
 * failure paths included: invalid overrides and an overlapping range caught locally (the lab receives no
 * POST), manage of an offline subcloud, delete of a managed one, an unknown subcloud, a failed deployment.
 */
describe('dcm subcloud commands against dcm lab', () => {
  let lab: TestLab
  let files: FixtureDir
  const password = 'Lab-Sysadmin-9931'
  const dcm = (...args: string[]) => runDcm(args, {env: {...lab.env, DCM_SYSADMIN_PASSWORD: password}})
  const subcloudPosts = () => lab.requests.filter((r) => r.method === 'POST' && /\/v1\.0\/subclouds\/?$/.test(r.path))
  const add = (file: string, ...extra: string[]) =>
    dcm('subcloud', 'add', '--bootstrap-address', '10.10.10.12', '--bootstrap-values', file, '--no-preflight', ...extra)

  beforeAll(async () => {
    lab = await startTestLab({failFor: ['sc-fails']})
    files = fixtureDir()
  })
  afterAll(async () => {
    await lab.stop()
    files.cleanup()
  })

  it('add --wait: validated, sent, followed to complete; list/show/errors read it back', async () => {
    const added = await add(files.write('sc1.yml', bootstrapValues('sc1')), '--wait', '--poll-interval', '50')
    expect({code: added.code, stderr: added.stderr.split('\n').at(-2)}).toEqual({
      code: 0,
      stderr: expect.stringMatching(/ sc1: complete \(step 7 of 7\), \d+:\d\d elapsed$/),
    })
    expect(added.stdout).toMatch(/\| deploy_status +\| complete +\|/)
    expect(subcloudPosts()).toHaveLength(1)

    const list = await dcm('subcloud', 'list', '-f', 'csv', '-c', 'name', '-c', 'deploy_status', '-c', 'availability')
    expect(list.stdout).toBe('"name","availability","deploy_status"\n"sc1","offline","complete"\n')
    const byName = await dcm('subcloud', 'show', 'sc1', '-f', 'json')
    const byId = await dcm('subcloud', 'show', String(JSON.parse(byName.stdout).id), '-f', 'json')
    expect(JSON.parse(byId.stdout)).toEqual(JSON.parse(byName.stdout))
    expect(JSON.parse(byName.stdout)).toMatchObject({
      name: 'sc1',
      management: 'unmanaged',
      region_name: expect.any(String),
    })
    const errors = await dcm('subcloud', 'errors', 'sc1')
    expect(errors.stdout).toBe('No errors present\n')
  })

  it('--group takes a name: resolved to its id before the POST (the server wants an id on add)', async () => {
    expect((await dcm('subcloud-group', 'add', '--name', 'edge-west')).code).toBe(0)
    const file = files.write(
      'grouped.yml',
      bootstrapValues('sc-grouped', {
        management_subnet: '192.168.140.0/24',
        management_start_address: '192.168.140.2',
        management_end_address: '192.168.140.50',
        management_gateway_address: '192.168.140.1',
      }),
    )
    const result = await add(
      file,
      '--group',
      'edge-west',
      '--wait',
      '--poll-interval',
      '50',
      '-q',
      '-f',
      'value',
      '-c',
      'group_id',
    )
    expect({code: result.code, stderr: result.stderr}).toEqual({code: 0, stderr: ''})
    expect(result.stdout).toBe('2\n')
    const unknown = await add(file, '--group', 'no-such-group')
    expect(unknown.code).toBe(1)
    expect(unknown.stderr).toBe(
      'Error: Unable to show subcloud group no-such-group: Subcloud Group not found (HTTP 404)\n',
    )
    // Leave the lab as the next tests expect it: no extra subcloud.
    expect((await dcm('subcloud', 'delete', 'sc-grouped', '--yes')).code).toBe(0)
  })

  it('an invalid file is refused locally: exit 2 with file:line, the lab receives no POST', async () => {
    const before = subcloudPosts().length
    const file = files.write(
      'bad.yml',
      bootstrapValues('sc-bad', {
        management_subnet: '192.168.130.0/24',
        management_start_address: '192.168.130.2',
        management_end_address: '192.168.130.50',
        management_gateway_address: '192.168.150.1',
      }),
    )
    const result = await add(file)
    expect(result.code).toBe(2)
    expect(result.stderr.split('\n')[0]).toMatch(new RegExp(`^Error: ${file}:8:\\d+: management_gateway_address`))
    expect(subcloudPosts()).toHaveLength(before)
  })

  it('a management range overlapping the live sc1 is caught locally with the line, no POST', async () => {
    const before = subcloudPosts().length
    const file = files.write('overlap.yml', bootstrapValues('sc-overlap'))
    const result = await add(file)
    expect(result.code).toBe(2)
    expect(result.stderr.split('\n')[0]).toMatch(
      new RegExp(`^Error: ${file}:6:\\d+: .*overlaps with that of subcloud sc1`),
    )
    expect(subcloudPosts()).toHaveLength(before)
  })

  it('manage of an offline subcloud: exit 1 with the server reason', async () => {
    const result = await dcm('subcloud', 'manage', 'sc1')
    expect(result.code).toBe(1)
    expect(result.stderr).toBe('Error: Unable to manage subcloud sc1: Subcloud is not online. (HTTP 422)\n')
  })

  it('online (route back to the System Controller) -> manage -> delete refused -> unmanage -> delete', async () => {
    await lab.store.setRoutes('sc1', [{network: '192.168.204.0', prefix: 24, gateway: '192.168.101.1', metric: 1}])
    lab.audit()
    const managed = await dcm('subcloud', 'manage', 'sc1', '-f', 'value', '-c', 'management', '-c', 'availability')
    expect(managed.stdout).toBe('managed\nonline\n')
    const refused = await dcm('subcloud', 'delete', 'sc1', '--yes')
    expect(refused.code).toBe(1)
    expect(refused.stderr).toBe(
      "Error: Unable to delete subcloud sc1: Cannot delete a subcloud that is 'managed' status (HTTP 400)\n",
    )
    const updated = await dcm(
      'subcloud',
      'update',
      'sc1',
      '--description',
      'Edge 1',
      '-f',
      'value',
      '-c',
      'description',
    )
    expect(updated.stdout).toBe('Edge 1\n')
    expect((await dcm('subcloud', 'unmanage', 'sc1')).code).toBe(0)
    const alarms = await dcm('alarm', 'summary', '-f', 'value', '-c', 'NAME')
    expect(alarms.stdout).toBe('sc1\n')
  })

  it('an unknown subcloud is exit 1 with "Subcloud not found"', async () => {
    for (const args of [
      ['show', 'nosuch'],
      ['manage', 'nosuch'],
      ['delete', 'nosuch', '--yes'],
    ]) {
      const result = await dcm('subcloud', ...args)
      expect(result.code).toBe(1)
      expect(result.stderr).toMatch(/^Error: Unable to \w+ subcloud nosuch: Subcloud not found \(HTTP 404\)\n$/)
    }
  })

  it('a failed bootstrap ends --wait with exit 1 and the error description; errors shows it', async () => {
    const file = files.write(
      'fails.yml',
      bootstrapValues('sc-fails', {
        management_subnet: '192.168.120.0/24',
        management_start_address: '192.168.120.2',
        management_end_address: '192.168.120.50',
        management_gateway_address: '192.168.120.1',
      }),
    )
    const result = await add(file, '--wait', '--poll-interval', '50', '-q')
    expect(result.code).toBe(1)
    expect(result.stderr.split('\n')[0]).toMatch(/^Error: subcloud sc-fails deployment failed: bootstrap-failed: \S/)
    expect(result.stderr).toContain("Hint: see 'dcm subcloud errors sc-fails'")
    const errors = await dcm('subcloud', 'errors', 'sc-fails')
    expect(errors.stdout).toContain("For bootstrap failures, please use 'dcmanager subcloud deploy resume'")
  })

  it('delete of an unmanaged but online subcloud is refused; powered down (offline) it is deleted', async () => {
    const online = await dcm('subcloud', 'delete', 'sc1', '--yes')
    expect(online.stderr).toBe(
      'Error: Unable to delete subcloud sc1: Subcloud must be powered down to perform this operation. (HTTP 422)\n',
    )
    await lab.store.setRoutes('sc1', [])
    lab.audit()
    const deleted = await dcm('subcloud', 'delete', 'sc1', '--yes')
    expect({code: deleted.code, stderr: deleted.stderr}).toEqual({code: 0, stderr: ''})
    const list = await dcm('subcloud', 'list', '-f', 'value', '-c', 'name')
    expect(list.stdout).toBe('sc-fails\n')
  })
})
