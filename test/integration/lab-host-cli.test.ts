import {promises as fs} from 'node:fs'
import path from 'node:path'

import {afterAll, afterEach, beforeAll, describe, expect, it} from '@jest/globals'

import {runDcm} from '../helpers/cli.js'
import {startTestLab, type TestLab} from '../helpers/lab.js'
import {hostAdminMount} from '../../src/lab/hosts/host-admin-service.js'
import {writeInstance} from '../../src/lab/lab-files.js'

/**
 * `dcm lab host add|list|remove` (the built CLI) against a lab running in this process with the
 * `/lab/hosts` admin API mounted, found through the lab.json of its data dir as `dcm lab start` writes it.
 */
const PASSWORD = 'Sysadmin*Lab1'
let lab: TestLab
let env: Record<string, string>

beforeAll(async () => {
  lab = await startTestLab({mounts: [hostAdminMount]})
  await writeInstance(lab.dataDir, {
    pid: process.pid,
    port: lab.port,
    url: lab.url,
    authUrl: lab.authUrl,
    dcmanagerUrl: lab.dcmanagerUrl,
    deployer: lab.deployerKind,
    startedAt: new Date().toISOString(),
  })
  env = {DCM_LAB_DIR: lab.dataDir}
})

afterAll(async () => {
  await lab?.stop()
})

afterEach(() => {
  process.exitCode = undefined
})

describe('dcm lab host', () => {
  it('adds a host from a bootstrap values file with the password from the environment', async () => {
    const values = path.join(lab.dataDir, 'sc1.yml')
    await fs.writeFile(values, 'name: subcloud1\nexternal_oam_floating_address: 10.10.10.12\n')
    const result = await runDcm(['lab', 'host', 'add', 'subcloud1', '--bootstrap-values', values, '-f', 'json'], {
      env: {...env, DCM_SYSADMIN_PASSWORD: PASSWORD},
    })
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    const shown = JSON.parse(result.stdout)
    expect(shown).toMatchObject({
      name: 'subcloud1',
      bootstrap_address: '10.10.10.12',
      release: '24.09',
      fail_at: null,
      duration: '5s',
      bootstrapped: false,
      ssh_config: path.join(lab.dataDir, 'ssh_config'),
    })
    // Field names as `lab status` spells them (underscores), and the duration with its unit.
    expect(Object.keys(shown).every((field) => /^[a-z_]+$/.test(field))).toBe(true)
    expect(shown.host_key).toMatch(/^SHA256:/)
    const config = await fs.readFile(path.join(lab.dataDir, 'ssh_config'), 'utf8')
    expect(config).toContain(`Host 10.10.10.12\n  HostName 127.0.0.1\n  Port ${shown.ssh_port}\n`)
    expect(result.stdout + result.stderr).not.toContain(PASSWORD)
  })

  it('adds a failing host with the password on stdin, and lists both', async () => {
    const add = await runDcm(
      [
        'lab',
        'host',
        'add',
        'subcloud2',
        '--bootstrap-address',
        '10.10.20.12',
        '--fail-at',
        'bootstrap/persist-config',
        '--sysadmin-password-stdin',
      ],
      {env, input: `${PASSWORD}\n`},
    )
    expect(add.code).toBe(0)
    const list = await runDcm(
      ['lab', 'host', 'list', '-f', 'value', '-c', 'name', '-c', 'bootstrap_address', '-c', 'fail_at'],
      {
        env,
      },
    )
    expect(list.code).toBe(0)
    expect(list.stdout).toBe('subcloud1 10.10.10.12 None\nsubcloud2 10.10.20.12 bootstrap/persist-config\n')
  })

  it('refuses bad input with exit 2 and one clear line', async () => {
    const duplicate = await runDcm(['lab', 'host', 'add', 'other', '--bootstrap-address', '10.10.10.12'], {
      env: {...env, DCM_SYSADMIN_PASSWORD: PASSWORD},
    })
    expect(duplicate).toMatchObject({
      code: 2,
      stderr: 'Error: bootstrap address 10.10.10.12 is already served by lab host subcloud1\n',
    })
    const badTask = await runDcm(
      ['lab', 'host', 'add', 'x', '--bootstrap-address', '10.1.2.3', '--fail-at', 'Frobnicate'],
      {
        env: {...env, DCM_SYSADMIN_PASSWORD: PASSWORD},
      },
    )
    expect(badTask.code).toBe(2)
    expect(badTask.stderr).toMatch(/^Error: --fail-at 'Frobnicate' names no task of the bootstrap playbook\nHint: /)
    const noPassword = await runDcm(['lab', 'host', 'add', 'x', '--bootstrap-address', '10.1.2.3'], {env})
    expect(noPassword.code).toBe(2)
    expect(noPassword.stderr).toContain('--sysadmin-password-stdin')
    const noAddress = await runDcm(['lab', 'host', 'add', 'x'], {env: {...env, DCM_SYSADMIN_PASSWORD: PASSWORD}})
    expect(noAddress).toMatchObject({code: 2})
    expect(noAddress.stderr).toMatch(/^Error: give --bootstrap-address or --bootstrap-values/)
  })

  it('config-management --host against a lab host: exit 3 (authentication) and a hint that fits the command', async () => {
    const shown = JSON.parse((await runDcm(['lab', 'host', 'list', '-f', 'json'], {env})).stdout) as {
      name: string
      ssh_port: number
    }[]
    const port = shown.find((host) => host.name === 'subcloud1')!.ssh_port
    const home = await fs.mkdtemp(path.join(lab.dataDir, 'home-'))
    const result = await runDcm(
      ['config-management', '--host', '127.0.0.1', '--ssh-port', String(port), '--dry-run', '--interface', 'enp0s8'],
      {env: {...env, HOME: home, SSH_AUTH_SOCK: undefined}},
    )
    expect(result.code).toBe(3)
    expect(result.stderr).toBe(
      `Error: authentication failed for root@127.0.0.1:${port}: the password or key was not accepted\n` +
        'Hint: config-management --host logs in as root with a key (--identity-file, or your SSH agent and config); ' +
        'for a lab, run it in a network namespace with --netns (dcm lab host serves bootstraps, not config-management)\n',
    )
    expect(result.stderr).not.toContain('--sysadmin-password')
  })

  it('removes a host (and its ssh_config entry); an unknown one is an error', async () => {
    const removed = await runDcm(['lab', 'host', 'remove', 'subcloud2'], {env})
    expect(removed).toMatchObject({code: 0, stdout: 'Lab host subcloud2 (10.10.20.12) removed.\n'})
    expect(await fs.readFile(path.join(lab.dataDir, 'ssh_config'), 'utf8')).not.toContain('10.10.20.12')
    const again = await runDcm(['lab', 'host', 'remove', 'subcloud2'], {env})
    expect(again).toMatchObject({code: 1, stderr: 'Error: no lab host named subcloud2\n'})
  })

  it('exits 3 with a hint when no lab runs in the data dir', async () => {
    const empty = path.join(lab.dataDir, 'nothing-here')
    const result = await runDcm(['lab', 'host', 'list', '--data-dir', empty], {env})
    expect(result.code).toBe(3)
    expect(result.stderr).toBe(
      `Error: no lab is running in ${empty}\nHint: dcm lab start --detach --data-dir ${empty}\n`,
    )
  })
})
