import {promises as fs} from 'node:fs'
import path from 'node:path'

import {afterAll, afterEach, beforeAll, describe, expect, it} from '@jest/globals'

import {runDcm} from '../helpers/cli.js'
import {startTestLab, type TestLab, waitFor} from '../helpers/lab.js'
import {hostAdminMount} from '../../src/lab/hosts/host-admin-service.js'
import {SshDeployer} from '../../src/lab/deploy/ssh-deployer.js'
import {labHostRegistry} from '../../src/lab/hosts/ssh-host-registry.js'

/**
 * The lab's dcmanager deploying through the SSH deployer (an in-process lab with the /lab/hosts API
 * and the ssh deployer), driven by the built CLI: deploy-status transitions and error descriptions come from
 * real SSH bootstraps of lab hosts. The same flow through `dcm lab start --detach` is test/e2e/lab-ssh-bootstrap.
 */
const PASSWORD = 'Dep1oy*Lab'
let lab: TestLab
let env: Record<string, string>

const values = (name: string, n: number) =>
  [
    'system_mode: simplex',
    `name: ${name}`,
    `management_subnet: 192.168.${100 + n}.0/24`,
    `management_start_address: 192.168.${100 + n}.2`,
    `management_end_address: 192.168.${100 + n}.50`,
    `management_gateway_address: 192.168.${100 + n}.1`,
    'systemcontroller_gateway_address: 192.168.204.101',
    `external_oam_subnet: 10.10.${n * 10}.0/24`,
    `external_oam_gateway_address: 10.10.${n * 10}.1`,
    `external_oam_floating_address: 10.10.${n * 10}.12`,
    'dns_servers: [10.10.10.53]',
    '',
  ].join('\n')

async function addSubcloud(name: string, n: number) {
  const file = path.join(lab.dataDir, `${name}.yml`)
  await fs.writeFile(file, values(name, n))
  return runDcm(
    ['subcloud', 'add', '--bootstrap-address', `10.10.${n * 10}.12`, '--bootstrap-values', file, '--no-preflight'],
    {env: {...env, DCM_SYSADMIN_PASSWORD: PASSWORD}},
  )
}

const deployStatus = (name: string) => () => lab.store.subclouds.find((s) => s.name === name)

beforeAll(async () => {
  const dataDir = await fs.mkdtemp(path.join((await import('node:os')).tmpdir(), 'dcm-lab-deploy-'))
  lab = await startTestLab({
    dataDir,
    mounts: [hostAdminMount],
    deployer: new SshDeployer({dataDir, registry: () => labHostRegistry(dataDir), hostWaitMs: 1000}),
  })
  env = {
    ...lab.env,
    DCM_SSH_CONFIG: path.join(dataDir, 'ssh_config'),
    DCM_KNOWN_HOSTS: path.join(dataDir, 'known_hosts'),
  }
  const registry = await labHostRegistry(dataDir)
  await registry.add({name: 'subcloud1', bootstrapAddress: '10.10.10.12', password: PASSWORD, durationSeconds: 1})
  await registry.add({
    name: 'subcloud2',
    bootstrapAddress: '10.10.20.12',
    password: PASSWORD,
    durationSeconds: 1,
    failAt: 'bootstrap/persist-config',
  })
})

afterAll(async () => {
  const dataDir = lab?.dataDir
  await lab?.stop()
  if (dataDir) await fs.rm(dataDir, {recursive: true, force: true})
})

afterEach(() => {
  process.exitCode = undefined
})

describe('the lab deploying subclouds over SSH', () => {
  it('walks pre-bootstrap -> bootstrapping -> complete, from a real bootstrap', async () => {
    const seen = new Set<string>()
    const watcher = setInterval(() => {
      const status = deployStatus('subcloud1')()?.deployStatus
      if (status) seen.add(status)
    }, 10)
    try {
      expect((await addSubcloud('subcloud1', 1)).code).toBe(0)
      // waitFor can see `complete` before the 10 ms watcher does: record its answer too.
      const done = await waitFor(deployStatus('subcloud1'), (s) => s?.deployStatus === 'complete', 60_000)
      if (done?.deployStatus) seen.add(done.deployStatus)
    } finally {
      clearInterval(watcher)
    }
    expect([...seen]).toEqual(expect.arrayContaining(['pre-bootstrap', 'bootstrapping', 'complete']))
    const registry = await labHostRegistry(lab.dataDir)
    expect(registry.get('subcloud1')?.bootstrapped).toBe(true)
  })

  it('ends bootstrap-failed and `subcloud errors` shows the failing task from the run', async () => {
    expect((await addSubcloud('subcloud2', 2)).code).toBe(0)
    await waitFor(deployStatus('subcloud2'), (s) => s?.deployStatus === 'bootstrap-failed', 60_000)
    const errors = await runDcm(['subcloud', 'errors', 'subcloud2'], {env})
    expect(errors.code).toBe(0)
    expect(errors.stdout).toContain('FAILED bootstrapping playbook of (subcloud2).')
    // The subcloud's own management subnet (subcloud2's), not the template's.
    expect(errors.stdout).toContain('Subnet 192.168.102.0/24 overlaps with subnet of network mgmt')
    expect(errors.stdout).toContain('FAILED TASK: TASK [bootstrap/persist-config : Populate initial system database]')
  })

  it('fails like an unreachable subcloud when no lab host serves the bootstrap address', async () => {
    expect((await addSubcloud('subcloud3', 3)).code).toBe(0)
    const failed = await waitFor(deployStatus('subcloud3'), (s) => s?.deployStatus === 'bootstrap-failed', 60_000)
    expect(failed?.errorDescription).toContain('fatal: [subcloud3]: UNREACHABLE!')
    expect(failed?.errorDescription).toContain('connect to host 10.10.30.12 port 22: No route to host')
  })
})
