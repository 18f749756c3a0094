import {type ChildProcess, spawn} from 'node:child_process'
import {promises as fs} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {afterEach, describe, expect, test} from '@jest/globals'

import type {LabState} from '../../src/lab/lab-store.js'
import {TRANSITORY_DEPLOY_STATES} from '../../src/lab/dcmanager/subcloud-model.js'
import {repoRoot} from '../helpers/cli.js'
import {startTestLab, type TestLab, waitFor} from '../helpers/lab.js'
import {labFixture, patchSubcloud, postSubcloud} from '../helpers/lab-requests.js'

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!()
})

async function tempDir(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dcm-lab-persist-'))
  cleanups.push(() => fs.rm(dir, {recursive: true, force: true}))
  return dir
}

async function started(options: Parameters<typeof startTestLab>[0]): Promise<TestLab> {
  const lab = await startTestLab(options)
  cleanups.push(() => lab.stop())
  return lab
}

/** Resolves when the child has exited, even if that already happened. */
function exitOf(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolve) => child.once('exit', () => resolve()))
}

async function readState(dataDir: string): Promise<LabState> {
  return JSON.parse(await fs.readFile(path.join(dataDir, 'state.json'), 'utf8')) as LabState
}

/** Every file under a dir, with its content. */
async function allFiles(dir: string): Promise<Array<{file: string; content: Buffer}>> {
  const out: Array<{file: string; content: Buffer}> = []
  for (const entry of await fs.readdir(dir, {withFileTypes: true, recursive: true})) {
    if (!entry.isFile()) continue
    const file = path.join(entry.parentPath, entry.name)
    out.push({file, content: await fs.readFile(file)})
  }
  return out
}

describe('lab state on disk', () => {
  test('a restart keeps subclouds, groups, routes, management state and the admin password', async () => {
    const dataDir = await tempDir()
    const first = await startTestLab({dataDir})
    const {id} = (await (await postSubcloud(first, labFixture('valid-simplex-ipv4'))).json()) as {id: number}
    await waitFor(
      () => first.store.subcloudById(id)?.deployStatus,
      (status) => status === 'complete',
    )
    await first.store.setRoutes('subcloud1', [{network: '192.168.204.0', prefix: 24, gateway: '192.168.101.1'}])
    await waitFor(
      () => first.store.subcloudById(id)?.availabilityStatus,
      (status) => status === 'online',
    )
    expect((await patchSubcloud(first, 'subcloud1', {'management-state': 'managed'})).status).toBe(200)
    await first.api('/dcmanager/v1.0/subcloud-groups', {
      method: 'POST',
      headers: {'content-type': 'application/json'},
      body: JSON.stringify({
        name: 'west',
        description: 'West',
        update_apply_type: 'parallel',
        max_parallel_subclouds: 2,
      }),
    })
    const before = (await (await first.api(`/dcmanager/v1.0/subclouds/${id}`)).json()) as Record<string, unknown>
    await first.stop()

    const second = await started({dataDir})
    expect(second.password).toBe(first.password)
    const after = (await (await second.api(`/dcmanager/v1.0/subclouds/${id}`)).json()) as Record<string, unknown>
    expect(after).toEqual(before)
    expect(after).toMatchObject({'management-state': 'managed', 'availability-status': 'online'})
    expect(second.store.routesOf('subcloud1')).toEqual([
      {network: '192.168.204.0', prefix: 24, gateway: '192.168.101.1'},
    ])
    const groups = (await (await second.api('/dcmanager/v1.0/subcloud-groups')).json()) as {
      subcloud_groups: Array<{name: string}>
    }
    expect(groups.subcloud_groups.map((group) => group.name)).toEqual(['Default', 'west'])
    // Ids keep counting from where they were.
    const next = (await (await postSubcloud(second, labFixture('valid-duplex-ipv4'))).json()) as {id: number}
    expect(next.id).toBe(id + 1)
  })

  test('one lab per data dir: a second one is refused while the first runs, allowed after it stopped', async () => {
    const dataDir = await tempDir()
    const first = await startTestLab({dataDir})
    await expect(startTestLab({dataDir})).rejects.toThrow(
      `The lab data dir ${dataDir} is already served by this process`,
    )
    await first.stop()
    const second = await started({dataDir})
    expect(second.store.subclouds).toHaveLength(0)
  })

  test('stopping during a deploy leaves the failure state of the phase, as a dcmanager restart does', async () => {
    const dataDir = await tempDir()
    const lab = await startTestLab({dataDir, timeScale: 1})
    const {id} = (await (await postSubcloud(lab, labFixture('valid-simplex-ipv4'))).json()) as {id: number}
    await waitFor(
      () => lab.store.subcloudById(id)?.deployStatus,
      (status) => status === 'bootstrapping',
    )
    await lab.stop()
    const record = (await readState(dataDir)).subclouds[0]
    expect(record.deployStatus).toBe('bootstrap-failed')
    expect(record.errorDescription).toBe(
      "Interrupted: the lab's dcmanager stopped while the subcloud was bootstrapping",
    )
    // Nothing is stuck: after a restart the subcloud can be deleted (not an active state).
    const again = await started({dataDir})
    expect((await again.api(`/dcmanager/v1.0/subclouds/${id}`, {method: 'DELETE'})).status).toBe(200)
  })

  test('passwords are never written: not the sysadmin or BMC password, their base64, nor registry secrets', async () => {
    const dataDir = await tempDir()
    const lab = await startTestLab({dataDir})
    const sysadmin = 'Zq-Unique-Sysadmin-Passw0rd-9431'
    const bmc = 'Bmc-Unique-Passw0rd-7719'
    const install = [
      'bootstrap_interface: enp0s3',
      'bootstrap_address: 198.51.100.10',
      'bootstrap_address_prefix: 24',
      'install_type: 3',
      'bmc_username: root',
      'bmc_address: 198.51.100.200',
      `bmc_password: ${bmc}`,
      '',
    ].join('\n')
    const response = await postSubcloud(
      lab,
      labFixture('valid-duplex-ipv4'),
      [
        {name: 'install_values', value: install, filename: 'install.yaml'},
        {name: 'bmc_password', value: Buffer.from(bmc).toString('base64')},
      ],
      {password: sysadmin, address: '198.51.100.10'},
    )
    expect(response.status).toBe(200)
    const {id} = (await response.json()) as {id: number}
    await waitFor(
      () => lab.store.subcloudById(id)?.deployStatus,
      (status) => status === 'complete',
    )
    await lab.stop()
    const secrets = [
      sysadmin,
      Buffer.from(sysadmin).toString('base64'),
      bmc,
      Buffer.from(bmc).toString('base64'),
      'Example-Only-Not-A-Secret-1',
    ]
    const files = await allFiles(dataDir)
    expect(files.map((f) => path.basename(f.file)).sort()).toEqual(['admin-password', 'state.json'])
    for (const {file, content} of files) {
      for (const secret of secrets) expect({file, found: content.includes(secret)}).toEqual({file, found: false})
    }
    // The lab's own admin password lives only in its 0600 file, never in the state.
    expect((await fs.readFile(path.join(dataDir, 'state.json'), 'utf8')).includes(lab.password)).toBe(false)
    expect((await fs.stat(path.join(dataDir, 'admin-password'))).mode & 0o777).toBe(0o600)
    expect((await fs.stat(path.join(dataDir, 'state.json'))).mode & 0o777).toBe(0o600)
  })
})

describe('kill -9 in the middle of writes', () => {
  /** `dcm lab start` (the built CLI) as a child process we can SIGKILL. */
  async function spawnLab(dataDir: string): Promise<{child: ChildProcess; url: string; password: string}> {
    const child = spawn(
      process.execPath,
      [
        path.join(repoRoot, 'bin', 'run.js'),
        'lab',
        'start',
        '--data-dir',
        dataDir,
        '--deployer',
        'simulated',
        '--time-scale',
        '0.02',
      ],
      {stdio: ['ignore', 'ignore', 'pipe']},
    )
    let stderr = ''
    child.stderr!.on('data', (chunk) => (stderr += chunk))
    cleanups.push(async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    })
    const instance = await waitFor(
      async () => {
        try {
          return JSON.parse(await fs.readFile(path.join(dataDir, 'lab.json'), 'utf8')) as {pid: number; url: string}
        } catch {
          return undefined
        }
      },
      (value) => {
        if (child.exitCode !== null) throw new Error(`lab exited ${child.exitCode}: ${stderr}`)
        return value?.pid === child.pid
      },
    )
    const password = (await fs.readFile(path.join(dataDir, 'admin-password'), 'utf8')).trim()
    return {child, url: instance!.url, password}
  }

  function subcloudYaml(index: number): string {
    return [
      'system_mode: simplex',
      `name: sc-${index}`,
      `management_subnet: 172.16.${index}.0/24`,
      `management_start_address: 172.16.${index}.2`,
      `management_end_address: 172.16.${index}.50`,
      `management_gateway_address: 172.16.${index}.1`,
      'systemcontroller_gateway_address: 192.168.204.101',
      'external_oam_subnet: 10.10.10.0/24',
      'external_oam_gateway_address: 10.10.10.1',
      `external_oam_floating_address: 10.10.10.${index + 2}`,
      '',
    ].join('\n')
  }

  test('the state file is always whole: restart after SIGKILL during a burst of adds', async () => {
    const dataDir = await tempDir()
    let total = 0
    for (let round = 0; round < 3; round++) {
      const {child, url, password} = await spawnLab(dataDir)
      const auth = await fetch(`${url}/identity/v3/auth/tokens`, {
        method: 'POST',
        headers: {'content-type': 'application/json'},
        body: JSON.stringify({
          auth: {
            identity: {methods: ['password'], password: {user: {name: 'admin', domain: {name: 'Default'}, password}}},
          },
        }),
      })
      const token = auth.headers.get('x-subject-token')!
      const {buildMultipart} = await import('../../src/lab/http/multipart.js')
      // Fire a burst of adds (each one persisted, then several deploy transitions) and kill the lab mid-burst.
      let accepted = 0
      const burst = Array.from({length: 40}, (_, i) => {
        const form = buildMultipart([
          {name: 'bootstrap_values', value: subcloudYaml(round * 40 + i), filename: 'sc.yaml'},
          {name: 'bootstrap-address', value: '10.10.10.12'},
          {name: 'sysadmin_password', value: Buffer.from('x').toString('base64')},
        ])
        return fetch(`${url}/dcmanager/v1.0/subclouds`, {
          method: 'POST',
          headers: {'content-type': form.contentType, 'x-auth-token': token},
          body: form.body,
        }).then(
          (response) => {
            if (response.status === 200) accepted++
            return response.status
          },
          () => 0,
        )
      })
      // Kill while adds are still arriving and deploy transitions are being written.
      await waitFor(
        () => accepted,
        (count) => count >= 5 + round * 5,
      )
      const exited = exitOf(child)
      child.kill('SIGKILL')
      await Promise.all(burst)
      await exited

      // Whatever instant the kill hit, the file parses and the lab starts on it.
      const state = await readState(dataDir)
      expect(state.version).toBe(1)
      expect(state.subclouds.length).toBeGreaterThanOrEqual(total)
      total = state.subclouds.length
      const lab = await startTestLab({dataDir})
      try {
        expect(lab.store.subclouds).toHaveLength(total)
        for (const record of lab.store.subclouds) {
          // A deploy cut by the kill is flipped to its failure state, never left in a transitional one
          // (resting states between phases, such as create-complete, stay: dcmanager keeps them too).
          expect({name: record.name, transitional: TRANSITORY_DEPLOY_STATES[record.deployStatus]}).toEqual({
            name: record.name,
            transitional: undefined,
          })
        }
      } finally {
        await lab.stop()
      }
      await fs.rm(path.join(dataDir, 'lab.json'), {force: true})
      expect((await fs.readdir(dataDir)).filter((name) => name.endsWith('.tmp'))).toEqual([])
    }
    expect(total).toBeGreaterThan(0)
  })
})

describe('kill -9 of a process that does nothing but rewrite a large state', () => {
  test('every kill leaves state.json parseable, holding one of the versions written', async () => {
    const dataDir = await tempDir()
    // A writer that rewrites a ~2 MB state in a loop, bumping a counter each time: a kill lands mid-write.
    const script = `
      const {LabStore} = await import(${JSON.stringify(path.join(repoRoot, 'dist', 'lab', 'lab-store.js'))})
      const {newSubcloudRecord} = await import(${JSON.stringify(path.join(repoRoot, 'dist', 'lab', 'dcmanager', 'subcloud-model.js'))})
      const store = await LabStore.open(process.argv[1])
      for (let i = 1; i <= 1500; i++) store.insertSubcloud(newSubcloudRecord({id: store.allocateSubcloudId(), name: 'sc' + i,
        softwareVersion: '24.09', managementSubnet: '10.0.0.0/24', managementStartIp: '10.0.0.2', managementEndIp: '10.0.0.50',
        managementGatewayIp: '10.0.0.1', systemcontrollerGatewayIp: '192.168.204.101', bootstrapAddress: '10.1.0.1',
        oamFloatingAddress: '10.1.0.1'}))
      process.stdout.write('ready\\n')
      for (let n = 0; ; n++) { store.updateSubcloud(1, {description: 'v' + n}); await store.persist() }
    `
    for (let round = 0; round < 5; round++) {
      const child = spawn(process.execPath, ['--input-type=module', '-e', script, dataDir], {
        stdio: ['ignore', 'pipe', 'inherit'],
      })
      cleanups.push(async () => {
        if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
      })
      await new Promise<void>((resolve) => child.stdout!.once('data', () => resolve()))
      await new Promise((resolve) => setTimeout(resolve, 50 + Math.floor(Math.random() * 200)))
      const exited = exitOf(child)
      child.kill('SIGKILL')
      await exited
      const state = await readState(dataDir)
      expect(state.subclouds.length).toBeGreaterThanOrEqual(round === 0 ? 0 : 1500)
      if (state.subclouds.length > 0) expect(state.subclouds[0].description).toMatch(/^v\d+$|^null$/)
    }
  })
})
