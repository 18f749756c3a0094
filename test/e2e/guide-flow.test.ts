import {promises as fs} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from '@jest/globals'

import {expectOk, parseExports, recordingDcm, runDcm} from '../helpers/cli.js'

/**
 * The installation guide, end to end, with the CLI words an operator types (issue 5, Must show 2):
 *
 *   dcm lab start --detach                         the System Controller (default deployer: ssh)
 *   eval "$(dcm lab env)"                          OS_* and DCM_SSH_CONFIG / DCM_KNOWN_HOSTS
 *   dcm lab host add subcloud1 --bootstrap-values ...   the freshly installed controller-0, over SSH
 *   dcm subcloud add --bootstrap-address ... --bootstrap-values ... --wait   pre-flight, then a real bootstrap
 *   dcm subcloud list                              deployed, but offline: no route back yet
 *   eval "$(dcm lab env --subcloud subcloud1)"     a shell on the subcloud after source /etc/platform/openrc
 *   dcm host-route-add controller-0 enp0s8 192.168.204.0 24 192.168.101.1
 *   dcm subcloud list                              online
 *   dcm subcloud manage subcloud1                  managed, then in-sync
 *
 * Everything runs against a lab on 127.0.0.1; the addresses in the bootstrap values are data only: the lab's
 * ssh_config maps 10.10.10.12 to the simulated controller-0's loopback port.
 */
const BOOTSTRAP_VALUES = `# The guide's AIO-SX subcloud (as test/fixtures/examples/bootstrap/valid-simplex-ipv4.yaml)
system_mode: simplex
name: subcloud1
description: "AIO-SX edge site, IPv4"
location: "Ottawa, lab row 3, rack 12"
management_subnet: 192.168.101.0/24
management_start_address: 192.168.101.2
management_end_address: 192.168.101.50
management_gateway_address: 192.168.101.1
systemcontroller_gateway_address: 192.168.204.101
external_oam_subnet: 10.10.10.0/24
external_oam_gateway_address: 10.10.10.1
external_oam_floating_address: 10.10.10.12
dns_servers:
  - 10.10.10.53
`
const SYSADMIN_PASSWORD = 'Gu1de-Fl0w*Secret'

let workDir: string
let dataDir: string
let valuesFile: string
let scEnv: Record<string, string>
const {run: dcm, outputs} = recordingDcm(() => path.join(workDir, 'cache'))

interface ListedSubcloud {
  name: string
  management: string
  availability: string
  'deploy status': string
  sync: string
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, {withFileTypes: true, recursive: true})
  return entries.filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name))
}

async function listSubclouds(): Promise<ListedSubcloud[]> {
  const result = await dcm(['subcloud', 'list', '-f', 'json'], scEnv)
  expect(result.stderr).toBe('')
  return JSON.parse(result.stdout)
}

beforeAll(async () => {
  workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'dcm-guide-'))
  dataDir = path.join(workDir, 'lab')
  valuesFile = path.join(workDir, 'subcloud1.yaml')
  await fs.writeFile(valuesFile, BOOTSTRAP_VALUES)
})

afterAll(async () => {
  if (dataDir) await runDcm(['lab', 'stop', '--data-dir', dataDir])
  if (workDir) await fs.rm(workDir, {recursive: true, force: true})
})

describe('the installation guide against dcm lab, in one flow', () => {
  it('lab start -> subcloud add --wait -> host-route-add -> online -> manage -> managed/in-sync', async () => {
    // The System Controller, in the background, with its default deployer: a real SSH bootstrap.
    const started = await dcm(['lab', 'start', '--detach', '--data-dir', dataDir], {})
    expectOk(started)
    expect(started.stderr).toBe('')
    const envResult = await dcm(['lab', 'env', '--data-dir', dataDir], {})
    expectOk(envResult)
    scEnv = parseExports(envResult.stdout)
    expect(scEnv.OS_AUTH_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//)
    expect(scEnv.DCM_SSH_CONFIG).toBe(path.join(dataDir, 'ssh_config'))
    expect(scEnv.DCM_KNOWN_HOSTS).toBe(path.join(dataDir, 'known_hosts'))

    // The freshly installed controller-0 at the values file's bootstrap address, with a short playbook.
    const host = await dcm(
      [
        'lab',
        'host',
        'add',
        'subcloud1',
        '--data-dir',
        dataDir,
        '--bootstrap-values',
        valuesFile,
        '--duration',
        '1',
        '--sysadmin-password-stdin',
      ],
      scEnv,
      `${SYSADMIN_PASSWORD}\n`,
    )
    expectOk(host)

    // Add the subcloud: the SSH pre-flight, then wait for its bootstrap.
    const added = await dcm(
      [
        'subcloud',
        'add',
        '--bootstrap-address',
        '10.10.10.12',
        '--bootstrap-values',
        valuesFile,
        '--sysadmin-password-stdin',
        '--wait',
        '--timeout',
        '120',
        // hidden test knob: poll the deploy status every 250 ms instead of 2 s, the bootstrap takes ~1 s
        '--poll-interval',
        '250',
      ],
      scEnv,
      `${SYSADMIN_PASSWORD}\n`,
    )
    expectOk(added)
    // The pre-flight reached the host by its bootstrap address through DCM_SSH_CONFIG, and the deploy went
    // through a real bootstrap: the host played the playbook to its end and is now marked bootstrapped, and
    // the lab kept the run's log. (Not the `--wait` progress lines: they are polled, a short run can finish
    // between two polls without one saying `bootstrapping`.)
    expect(added.stderr).toMatch(/^pre-flight \[PASS\] SSH reachable: sysadmin@10\.10\.10\.12 \(127\.0\.0\.1:\d+\)$/m)
    expect(added.stderr).toContain('pre-flight [PASS] sysadmin password accepted')
    expect(added.stderr).toContain('pre-flight [PASS] not already bootstrapped')
    const hosts = await dcm(
      ['lab', 'host', 'list', '--data-dir', dataDir, '-f', 'json', '-c', 'name', '-c', 'bootstrapped'],
      scEnv,
    )
    expect(JSON.parse(hosts.stdout)).toEqual([{name: 'subcloud1', bootstrapped: true}])
    const logs = await filesUnder(path.join(dataDir, 'ansible'))
    expect(logs).toHaveLength(1)
    const log = await fs.readFile(logs[0], 'utf8')
    expect(log).toMatch(/^TASK \[bootstrap\/complete-bootstrap : Set bootstrap completed flag\] \*+$/m)
    expect(log).toMatch(/^localhost +: ok=\d+ +changed=\d+ +unreachable=0 +failed=0 /m)
    let [subcloud] = await listSubclouds()
    expect(subcloud).toMatchObject({name: 'subcloud1', 'deploy status': 'complete', availability: 'offline'})

    // Managing is refused while it is offline (the guide's order matters).
    const early = await dcm(['subcloud', 'manage', 'subcloud1'], scEnv)
    expect(early.code).toBe(1)
    expect(early.stderr).toContain('Subcloud is not online.')

    // On the subcloud: its own region, its own sysinv; the route back to the System Controller.
    const subEnvResult = await dcm(['lab', 'env', '--data-dir', dataDir, '--subcloud', 'subcloud1'], {})
    expectOk(subEnvResult)
    const subcloudEnv = parseExports(subEnvResult.stdout)
    expect(subcloudEnv.OS_REGION_NAME).toMatch(/^[0-9a-f]{32}$/)
    const route = await dcm(
      ['host-route-add', 'controller-0', 'enp0s8', '192.168.204.0', '24', '192.168.101.1'],
      subcloudEnv,
    )
    expectOk(route)
    expect(route.stderr).toBe('')
    expect(route.stdout).toMatch(/^\| network +\| 192\.168\.204\.0 +\|$/m)
    const routes = await dcm(['host-route-list', 'controller-0', '-f', 'json'], subcloudEnv)
    expect(JSON.parse(routes.stdout)).toEqual([
      expect.objectContaining({
        ifname: 'enp0s8',
        network: '192.168.204.0',
        prefix: 24,
        gateway: '192.168.101.1',
        metric: 1,
      }),
    ])

    // Back on the System Controller: online, then managed and in-sync.
    ;[subcloud] = await listSubclouds()
    expect(subcloud).toMatchObject({availability: 'online', management: 'unmanaged'})
    const managed = await dcm(['subcloud', 'manage', 'subcloud1'], scEnv)
    expectOk(managed)
    ;[subcloud] = await listSubclouds()
    expect(subcloud).toMatchObject({
      name: 'subcloud1',
      management: 'managed',
      availability: 'online',
      'deploy status': 'complete',
      sync: 'in-sync',
    })

    // The sysadmin password never appears in any output nor in any file the lab wrote (it keeps a salted
    // hash); the lab's admin password only where it is meant to be (the export lines of `dcm lab env`).
    for (const {stdout, stderr} of outputs) {
      expect(stdout + stderr).not.toContain(SYSADMIN_PASSWORD)
      if (!stdout.includes('export OS_PASSWORD=')) expect(stdout + stderr).not.toContain(scEnv.OS_PASSWORD)
    }
    for (const file of await filesUnder(dataDir)) {
      expect({file, leaked: (await fs.readFile(file, 'utf8')).includes(SYSADMIN_PASSWORD)}).toEqual({
        file,
        leaked: false,
      })
    }
  })
})
