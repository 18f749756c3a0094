import {promises as fs} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from '@jest/globals'

import {expectOk, parseExports, recordingDcm, runDcm} from '../helpers/cli.js'

/**
 * Issue 4, Must show 2, with the CLI words an operator types: `subcloud add --wait` against `dcm lab` runs a
 * real SSH bootstrap on a lab host (dcm's engine, over ssh2, to a simulated controller-0 on loopback), and a
 * host with `--fail-at` ends `bootstrap-failed` with the failing task in `subcloud errors`.
 *
 *   dcm lab start --detach --deployer ssh
 *   eval "$(dcm lab env)"                           OS_* and DCM_SSH_CONFIG / DCM_KNOWN_HOSTS
 *   dcm lab host add subcloud1 --bootstrap-values subcloud1.yml
 *   dcm lab host add subcloud2 --bootstrap-address 10.10.20.12 --fail-at "Applying puppet bootstrap manifest"
 *   dcm subcloud add ... --wait                     complete / bootstrap-failed
 *   dcm subcloud errors subcloud2
 */
const values = (name: string, n: number) => `system_mode: simplex
name: ${name}
description: "AIO-SX edge site ${n}"
location: "Lab row ${n}"
management_subnet: 192.168.${100 + n}.0/24
management_start_address: 192.168.${100 + n}.2
management_end_address: 192.168.${100 + n}.50
management_gateway_address: 192.168.${100 + n}.1
systemcontroller_gateway_address: 192.168.204.101
external_oam_subnet: 10.10.${n * 10}.0/24
external_oam_gateway_address: 10.10.${n * 10}.1
external_oam_floating_address: 10.10.${n * 10}.12
dns_servers:
  - 10.10.10.53
`
const SYSADMIN_PASSWORD = 'E2e-Ssh*B00tstrap'

let workDir: string
let dataDir: string
let labEnv: Record<string, string>
const {run: dcm, outputs} = recordingDcm(() => path.join(workDir, 'cache'))

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, {withFileTypes: true, recursive: true})
  return entries.filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name))
}

beforeAll(async () => {
  workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'dcm-e2e-ssh-'))
  dataDir = path.join(workDir, 'lab')
  await fs.writeFile(path.join(workDir, 'subcloud1.yml'), values('subcloud1', 1))
  await fs.writeFile(path.join(workDir, 'subcloud2.yml'), values('subcloud2', 2))
})

afterAll(async () => {
  if (dataDir) await runDcm(['lab', 'stop', '--data-dir', dataDir])
  if (workDir) await fs.rm(workDir, {recursive: true, force: true})
})

describe('dcm lab with the SSH deployer, end to end', () => {
  it('subcloud add --wait completes through real SSH; --fail-at ends bootstrap-failed with the task in errors', async () => {
    expectOk(await dcm(['lab', 'start', '--detach', '--data-dir', dataDir, '--deployer', 'ssh'], {}))
    labEnv = parseExports(expectOk(await dcm(['lab', 'env', '--data-dir', dataDir], {})).stdout)
    expect(labEnv.DCM_SSH_CONFIG).toBe(path.join(dataDir, 'ssh_config'))
    expect(labEnv.DCM_KNOWN_HOSTS).toBe(path.join(dataDir, 'known_hosts'))
    const withPassword = {...labEnv, DCM_SYSADMIN_PASSWORD: SYSADMIN_PASSWORD}

    // Two simulated controller-0s, by the bootstrap addresses of the values files.
    expectOk(
      await dcm(
        [
          'lab',
          'host',
          'add',
          'subcloud1',
          '--data-dir',
          dataDir,
          '--bootstrap-values',
          path.join(workDir, 'subcloud1.yml'),
          '--duration',
          '2',
        ],
        withPassword,
      ),
    )
    expectOk(
      await dcm(
        [
          'lab',
          'host',
          'add',
          'subcloud2',
          '--data-dir',
          dataDir,
          '--bootstrap-address',
          '10.10.20.12',
          '--duration',
          '2',
          '--fail-at',
          'Applying puppet bootstrap manifest',
        ],
        withPassword,
      ),
    )
    const hosts = await dcm(['lab', 'host', 'list', '--data-dir', dataDir, '-f', 'json'], labEnv)
    expect(JSON.parse(hosts.stdout).map((host: {name: string}) => host.name)).toEqual(['subcloud1', 'subcloud2'])

    // A real bootstrap over SSH: the add waits through pre-bootstrap and bootstrapping to complete.
    const added = await dcm(
      [
        'subcloud',
        'add',
        '--bootstrap-address',
        '10.10.10.12',
        '--bootstrap-values',
        path.join(workDir, 'subcloud1.yml'),
        '--sysadmin-password-stdin',
        '--wait',
        '--timeout',
        '120',
      ],
      labEnv,
      `${SYSADMIN_PASSWORD}\n`,
    )
    expectOk(added)
    // The pre-flight reached the lab host by its bootstrap address (DCM_SSH_CONFIG) before anything was sent.
    expect(added.stderr).toContain('pre-flight [PASS] SSH reachable')
    expect(added.stderr).toContain('pre-flight [PASS] sysadmin password accepted')
    expect(added.stderr).toContain('pre-flight [PASS] not already bootstrapped')
    expect(added.stderr).toContain('bootstrapping')
    const shown = await dcm(['subcloud', 'show', 'subcloud1', '-f', 'json'], labEnv)
    expect(JSON.parse(shown.stdout)).toMatchObject({name: 'subcloud1', deploy_status: 'complete'})
    const afterHosts = await dcm(
      ['lab', 'host', 'list', '--data-dir', dataDir, '-f', 'json', '-c', 'name', '-c', 'bootstrapped'],
      labEnv,
    )
    expect(JSON.parse(afterHosts.stdout)).toEqual([
      {name: 'subcloud1', bootstrapped: true},
      {name: 'subcloud2', bootstrapped: false},
    ])
    // The run's log, as the lab's dcmanager keeps it, is the transcript the host played.
    const logs = (await filesUnder(path.join(dataDir, 'ansible'))).filter((file) => file.includes('subcloud1'))
    expect(logs).toHaveLength(1)
    const log = await fs.readFile(logs[0], 'utf8')
    expect(log).toMatch(/^TASK \[bootstrap\/complete-bootstrap : Set bootstrap completed flag\] \*+$/m)
    expect(log).toMatch(/^localhost +: ok=\d+ +changed=\d+ +unreachable=0 +failed=0 /m)

    // The failing host: the add ends bootstrap-failed (exit 1), and `subcloud errors` names the task.
    const failed = await dcm(
      [
        'subcloud',
        'add',
        '--bootstrap-address',
        '10.10.20.12',
        '--bootstrap-values',
        path.join(workDir, 'subcloud2.yml'),
        '--sysadmin-password-stdin',
        '--wait',
        '--timeout',
        '120',
      ],
      labEnv,
      `${SYSADMIN_PASSWORD}\n`,
    )
    expect(failed.code).toBe(1)
    expect(failed.stdout + failed.stderr).toContain('bootstrap-failed')
    const errors = await dcm(['subcloud', 'errors', 'subcloud2'], labEnv)
    expectOk(errors)
    expect(errors.stdout).toContain('FAILED bootstrapping playbook of (subcloud2).')
    expect(errors.stdout).toContain('non-zero return code')
    expect(errors.stdout).toContain('FAILED TASK: TASK [bootstrap/apply-manifest : Applying puppet bootstrap manifest]')

    // The sysadmin password is in no output and no file the lab wrote.
    for (const {stdout, stderr} of outputs) expect(stdout + stderr).not.toContain(SYSADMIN_PASSWORD)
    for (const file of await filesUnder(dataDir)) {
      expect({file, leaked: (await fs.readFile(file, 'utf8')).includes(SYSADMIN_PASSWORD)}).toEqual({
        file,
        leaked: false,
      })
    }
  })
})
