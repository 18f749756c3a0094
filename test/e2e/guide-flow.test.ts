import {promises as fs} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from '@jest/globals'

import {type CliResult, runDcm} from '../helpers/cli.js'

/**
 * The installation guide, end to end, with the CLI words an operator types (issue 5, Must show 2):
 *
 *   dcm lab start --detach                         the System Controller
 *   eval "$(dcm lab env)"
 *   dcm subcloud add --bootstrap-address ... --bootstrap-values ... --wait
 *   dcm subcloud list                              deployed, but offline: no route back yet
 *   eval "$(dcm lab env --subcloud subcloud1)"     a shell on the subcloud after source /etc/platform/openrc
 *   dcm host-route-add controller-0 enp0s8 192.168.204.0 24 192.168.101.1
 *   dcm subcloud list                              online
 *   dcm subcloud manage subcloud1                  managed, then in-sync
 *
 * Everything runs against a lab on 127.0.0.1; the addresses in the bootstrap values are data only.
 */
const BOOTSTRAP_VALUES = `# The guide's AIO-SX subcloud (as ../shared/examples/bootstrap/valid-simplex-ipv4.yaml)
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
const outputs: CliResult[] = []

async function dcm(args: string[], env: Record<string, string>, input?: string): Promise<CliResult> {
  const result = await runDcm(args, {
    env: {...env, XDG_CACHE_HOME: path.join(workDir, 'cache')},
    input,
    timeoutMs: 120_000,
  })
  outputs.push(result)
  return result
}

/** A step that must succeed; on failure the message carries the command's output. */
function expectOk(result: CliResult): CliResult {
  if (result.code !== 0) throw new Error(`exit ${result.code}\n${result.stdout}${result.stderr}`)
  return result
}

/** `eval "$(dcm lab env ...)"`: the export lines as an environment. */
function parseExports(stdout: string): Record<string, string> {
  const env: Record<string, string> = {}
  for (const line of stdout.split('\n')) {
    const match = /^export ([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line)
    if (!match) continue
    const raw = match[2]
    env[match[1]] = raw.startsWith("'") ? raw.slice(1, -1).replace(/'\\''/g, "'") : raw
  }
  return env
}

interface ListedSubcloud {
  name: string
  management: string
  availability: string
  'deploy status': string
  sync: string
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
    // The System Controller, in the background, with fast simulated deploys.
    const started = await dcm(
      ['lab', 'start', '--detach', '--data-dir', dataDir, '--deployer', 'simulated', '--time-scale', '0.05'],
      {},
    )
    expectOk(started)
    expect(started.stderr).toBe('')
    const envResult = await dcm(['lab', 'env', '--data-dir', dataDir], {})
    expectOk(envResult)
    scEnv = parseExports(envResult.stdout)
    expect(scEnv.OS_AUTH_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+\//)

    // Add the subcloud and wait for its bootstrap.
    const added = await dcm(
      [
        'subcloud',
        'add',
        '--bootstrap-address',
        '10.10.10.12',
        '--bootstrap-values',
        valuesFile,
        '--sysadmin-password-stdin',
        '--no-preflight',
        '--wait',
      ],
      scEnv,
      `${SYSADMIN_PASSWORD}\n`,
    )
    expectOk(added)
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

    // The sysadmin password never appears in any output; the lab's admin password only where it is meant
    // to be (the export lines of `dcm lab env`).
    for (const {stdout, stderr} of outputs) {
      expect(stdout + stderr).not.toContain(SYSADMIN_PASSWORD)
      if (!stdout.includes('export OS_PASSWORD=')) expect(stdout + stderr).not.toContain(scEnv.OS_PASSWORD)
    }
  })
})
