import {afterAll, beforeAll, beforeEach, describe, expect, it} from '@jest/globals'
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {Ajv, type ValidateFunction} from 'ajv'
import {parse as parseYaml} from 'yaml'

import {fixturesDir, runDcm} from '../helpers/cli.js'
import {FaultServer, failure, json, type SeenRequest} from '../faults/fault-server.js'

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
    [['subcloud', 'redeploy', 'sc1', '--install-values', '/nonexistent/i.yml'], 'install-values does not exist: /nonexistent/i.yml'],
    [
      ['subcloud', 'redeploy', 'sc1', '--bootstrap-values', '/nonexistent/b.yml'],
      'bootstrap-values does not exist: /nonexistent/b.yml',
    ],
    [['subcloud', 'redeploy', 'sc1', '--deploy-config', '/nonexistent/d.yml'], 'deploy-config does not exist: /nonexistent/d.yml'],
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
