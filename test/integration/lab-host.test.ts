import {execFile} from 'node:child_process'
import {existsSync} from 'node:fs'
import {promises as fs} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {promisify} from 'node:util'

import {afterAll, beforeAll, describe, expect, it} from '@jest/globals'

import {runBootstrap} from '../../src/core/bootstrap/engine.js'
import type {BootstrapOptions} from '../../src/core/bootstrap/types.js'
import type {DeployRequest} from '../../src/lab/deploy/deployer.js'
import {SshDeployer} from '../../src/lab/deploy/ssh-deployer.js'
import {LabHostRegistry} from '../../src/lab/hosts/ssh-host-registry.js'
import {connectSsh} from '../../src/core/ssh/connection.js'

/**
 * Lab hosts end to end over real SSH on loopback: dcm's own SSH layer and bootstrap engine (and OpenSSH's
 * ssh client) reach simulated controllers by their 10.x bootstrap addresses through the lab's ssh_config.
 */
const run = promisify(execFile)
const hasOpenSshClient = ['/usr/bin/ssh', '/bin/ssh', '/usr/local/bin/ssh'].some((file) => existsSync(file))
const PASSWORD = 'Li69nux* lab'
const VALUES = 'system_mode: simplex\nname: subcloud1\nexternal_oam_floating_address: 10.10.10.12\n'

let dataDir: string
let registry: LabHostRegistry

const target = (address: string): BootstrapOptions['target'] => ({
  host: address,
  configFile: registry.sshConfigPath,
  knownHostsFile: registry.knownHostsPath,
  hostKeyPolicy: 'strict',
})

const bootstrap = (address: string, options: Partial<BootstrapOptions> = {}) =>
  runBootstrap({
    target: target(address),
    password: PASSWORD,
    overridesText: VALUES,
    subcloudName: 'subcloud1',
    logDir: path.join(dataDir, 'logs'),
    ...options,
  })

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await fs.readdir(dir, {withFileTypes: true, recursive: true})
  return entries.filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name))
}

beforeAll(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'dcm-lab-hosts-'))
  registry = await LabHostRegistry.open(dataDir)
  await registry.add({name: 'subcloud1', bootstrapAddress: '10.10.10.12', password: PASSWORD, durationSeconds: 0.3})
  await registry.add({
    name: 'subcloud2',
    bootstrapAddress: '10.10.20.12',
    password: PASSWORD,
    durationSeconds: 0.3,
    failAt: 'Applying puppet bootstrap manifest',
  })
  await registry.add({name: 'slow', bootstrapAddress: 'fd01:30::12', password: PASSWORD, durationSeconds: 120})
})

afterAll(async () => {
  await registry?.close()
  if (dataDir) await fs.rm(dataDir, {recursive: true, force: true})
})

describe('lab host registry files', () => {
  it('maps each bootstrap address to its loopback port in ssh_config, with the host key in known_hosts', async () => {
    const config = await fs.readFile(registry.sshConfigPath, 'utf8')
    const host = registry.get('subcloud1')!
    expect(config).toContain(
      `Host 10.10.10.12\n  HostName 127.0.0.1\n  Port ${host.port}\n  User sysadmin\n  HostKeyAlias 10.10.10.12\n`,
    )
    const knownHosts = await fs.readFile(registry.knownHostsPath, 'utf8')
    expect(knownHosts).toMatch(/^10\.10\.10\.12 ssh-ed25519 AAAA\S+$/m)
    expect(knownHosts).toMatch(/^fd01:30::12 ssh-ed25519 AAAA\S+$/m)
    const key = path.join(dataDir, 'host-keys', 'subcloud1_ssh_host_ed25519_key')
    expect((await fs.stat(key)).mode & 0o777).toBe(0o600)
  })

  it('refuses a duplicate name or address, a bad address and an unknown --fail-at task', async () => {
    const spec = {name: 'x', bootstrapAddress: '10.1.1.1', password: 'p'}
    await expect(registry.add({...spec, name: 'subcloud1'})).rejects.toThrow(
      'a lab host named subcloud1 already exists',
    )
    await expect(registry.add({...spec, bootstrapAddress: '10.10.10.12'})).rejects.toThrow(
      'bootstrap address 10.10.10.12 is already served by lab host subcloud1',
    )
    await expect(registry.add({...spec, bootstrapAddress: '10.1.1'})).rejects.toMatchObject({exitCode: 2})
    await expect(registry.add({...spec, failAt: 'Reticulate splines'})).rejects.toThrow(
      "--fail-at 'Reticulate splines' names no task of the bootstrap playbook",
    )
  })

  it('is reachable with OpenSSH itself through the same ssh_config (password via SSH_ASKPASS)', async () => {
    if (!hasOpenSshClient) {
      console.warn('skipped: no OpenSSH client (ssh) on this machine; .ci/run installs openssh-server, which brings it')
      return
    }
    const askpass = path.join(dataDir, 'askpass.sh')
    await fs.writeFile(askpass, `#!/bin/sh\necho '${PASSWORD}'\n`, {mode: 0o700})
    const {stdout} = await run(
      'ssh',
      [
        '-F',
        registry.sshConfigPath,
        '-o',
        'BatchMode=no',
        '-o',
        'NumberOfPasswordPrompts=1',
        '10.10.10.12',
        'cat /etc/build.info',
      ],
      {env: {...process.env, SSH_ASKPASS: askpass, SSH_ASKPASS_REQUIRE: 'force', DISPLAY: ':0'}, timeout: 20_000},
    )
    expect(stdout).toContain('SW_VERSION="24.09"')
    await fs.rm(askpass)
  })
})

describe('SFTP', () => {
  it('writes 0600 files below the home, refuses the rest like sysadmin on a controller', async () => {
    const session = await connectSsh({...target('10.10.10.12'), password: PASSWORD})
    try {
      expect(await session.homeDirectory()).toBe('/home/sysadmin')
      await session.upload('/home/sysadmin/site.yml', 'a: 1\n', 0o600)
      expect((await session.exec('stat -c %a ~/site.yml && cat ~/site.yml')).stdout).toBe('600\na: 1\n')
      await session.remove('/home/sysadmin/site.yml')
      await session.remove('/home/sysadmin/site.yml')
      await expect(session.upload('/etc/platform/site.yml', 'x')).rejects.toThrow(/Permission denied/)
    } finally {
      session.close()
    }
  })
})

describe('interactive login', () => {
  it('gives a prompt with line editing, sudo on the terminal, Ctrl-C and logout (pty)', async () => {
    const {loadSsh2} = await import('../../src/core/ssh/ssh2-module.js')
    const {Client} = await loadSsh2()
    const client = new Client()
    await new Promise<void>((resolve, reject) =>
      client
        .on('ready', () => resolve())
        .on('error', reject)
        .connect({host: '127.0.0.1', port: registry.get('subcloud1')!.port, username: 'sysadmin', password: PASSWORD}),
    )
    let screen = ''
    const waitFor = async (text: string) => {
      for (let i = 0; i < 200 && !screen.includes(text); i++) await new Promise((resolve) => setTimeout(resolve, 25))
      expect(screen).toContain(text)
    }
    const channel = await new Promise<import('ssh2').ClientChannel>((resolve, reject) =>
      client.shell({term: 'xterm', rows: 24, cols: 80}, (error, stream) => (error ? reject(error) : resolve(stream))),
    )
    channel.on('data', (chunk: Buffer) => (screen += chunk.toString()))
    const closed = new Promise<void>((resolve) => channel.on('close', () => resolve()))
    await waitFor('sysadmin@localhost:~$ ')
    channel.write('cd /etx\x7fc\r')
    await waitFor('sysadmin@localhost:/etc$ ')
    channel.write('sudo id -un\r')
    await waitFor('[sudo] password for sysadmin: ')
    channel.write(`${PASSWORD}\r`)
    await waitFor('root\r\n')
    channel.write('sleep 60\r')
    // Interrupt only once the command runs (checked from a second connection, as an operator would).
    const probe = await connectSsh({...target('10.10.10.12'), password: PASSWORD})
    for (let i = 0; i < 100 && (await probe.exec("pgrep -f 'sleep 60'")).code !== 0; i++)
      await new Promise((resolve) => setTimeout(resolve, 50))
    probe.close()
    channel.write('\x03')
    await waitFor('^C')
    channel.write('echo status=$?\r')
    await waitFor('status=130')
    channel.write('exit\r')
    await closed
    client.end()
    expect(screen).toContain('logout')
    // The password was typed with echo off.
    expect(screen).not.toContain(PASSWORD)
  })
})

describe('runBootstrap against lab hosts', () => {
  it('completes, marks the host bootstrapped, and leaves no password in the data dir', async () => {
    const result = await bootstrap('10.10.10.12')
    expect(result).toMatchObject({outcome: 'complete', exitCode: 0})
    expect(result.tasksRun).toBeGreaterThan(40)
    expect(registry.get('subcloud1')!.bootstrapped).toBe(true)
    // hosts.json is rewritten (fsync'd) in the background when the host marks itself bootstrapped.
    const bootstrappedOnDisk = async () =>
      (
        JSON.parse(await fs.readFile(path.join(dataDir, 'hosts.json'), 'utf8')) as {
          hosts: {name: string; bootstrapped: boolean}[]
        }
      ).hosts.find((host) => host.name === 'subcloud1')?.bootstrapped
    const deadline = Date.now() + 10_000
    while (!(await bootstrappedOnDisk()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
    expect(await bootstrappedOnDisk()).toBe(true)
    for (const file of await filesUnder(dataDir)) expect(await fs.readFile(file, 'utf8')).not.toContain(PASSWORD)
    // The uploaded overrides (which carry the password) were removed from the host after the run.
    const session = await connectSsh({...target('10.10.10.12'), password: PASSWORD})
    const check = await session.exec(
      'test -e ~/localhost.yml && echo present || echo gone; test -e /etc/platform/.bootstrap_completed && echo done',
    )
    session.close()
    expect(check.stdout).toBe('gone\ndone\n')
  })

  it('fails at the injected task, and the result and error-description name it', async () => {
    const result = await bootstrap('10.10.20.12')
    expect(result).toMatchObject({
      outcome: 'failed',
      exitCode: 1,
      failedTask: 'bootstrap/apply-manifest : Applying puppet bootstrap manifest',
      playbookExitCode: 2,
    })
    expect(result.failureMessage).toContain('non-zero return code')
    expect(result.errorDescription).toMatch(
      /^FAILED bootstrapping playbook of \(subcloud1\)\.\ndetail: fatal: \[localhost\]: FAILED![^]*FAILED TASK: TASK \[bootstrap\/apply-manifest : Applying puppet bootstrap manifest\]/,
    )
    expect(registry.get('subcloud2')!.bootstrapped).toBe(false)
  })

  it('refuses a wrong sysadmin password before anything runs', async () => {
    const result = await bootstrap('10.10.10.12', {password: 'not-it'})
    expect(result.outcome).toBe('not-started')
    // An authentication failure: exit 3, like a refused Keystone login.
    expect(result.exitCode).toBe(3)
  })

  it('stops the remote process group on abort (no ansible-playbook left on the host)', async () => {
    const controller = new AbortController()
    const running = bootstrap('fd01:30::12', {
      signal: controller.signal,
      onEvent: (event) => {
        if (event.type === 'ansible' && event.event.type === 'task' && event.event.index === 2) controller.abort()
      },
    })
    const result = await running
    expect(result.outcome).toBe('aborted')
    expect(result.exitCode).toBe(130)
    const session = await connectSsh({...target('fd01:30::12'), password: PASSWORD})
    const pgrep = await session.exec('pgrep -f ansible-playbook')
    session.close()
    expect(pgrep.code).toBe(1)
    expect(registry.get('slow')!.bootstrapped).toBe(false)
  })

  it('a dropped connection kills the playbook at its next write (SIGPIPE), as without a pty on a real host', async () => {
    const {playbookCommand} = await import('../../src/core/bootstrap/remote-commands.js')
    const session = await connectSsh({...target('fd01:30::12'), password: PASSWORD})
    await session.upload('/home/sysadmin/localhost.yml', `ansible_become_pass: ${JSON.stringify(PASSWORD)}\n`)
    let sawOutput: () => void = () => undefined
    const started = new Promise<void>((resolve) => (sawOutput = resolve))
    const run = session.exec(
      playbookCommand('ansible-playbook', '/usr/share/ansible/stx-ansible/playbooks/bootstrap.yml'),
      {
        onStdout: () => sawOutput(),
      },
    )
    await started
    session.close()
    expect((await run).lost).toBe(true)
    const check = await connectSsh({...target('fd01:30::12'), password: PASSWORD})
    let left = ''
    for (let i = 0; i < 100; i++) {
      const pgrep = await check.exec('pgrep -f ansible-playbook')
      left = pgrep.stdout
      if (pgrep.code === 1) break
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    await check.remove('/home/sysadmin/localhost.yml')
    check.close()
    expect(left).toBe('')
  })

  it('keeps host keys and state across a lab restart (strict host key checking still passes)', async () => {
    const before = registry.list()
    await registry.close()
    registry = await LabHostRegistry.open(dataDir)
    const after = registry.list()
    expect(after.map(({name, fingerprint, bootstrapped}) => ({name, fingerprint, bootstrapped}))).toEqual(
      before.map(({name, fingerprint, bootstrapped}) => ({name, fingerprint, bootstrapped})),
    )
    const session = await connectSsh({...target('10.10.10.12'), password: PASSWORD})
    expect((await session.exec('cat /etc/platform/.bootstrap_completed && echo bootstrapped')).stdout).toBe(
      'bootstrapped\n',
    )
    session.close()
  })
})

describe('SshDeployer', () => {
  const request = (address: string, overrides: Partial<DeployRequest> = {}): DeployRequest => ({
    subcloudName: 'subcloud1',
    regionName: 'abc123',
    bootstrapAddress: address,
    bootstrapValues: VALUES,
    sysadminPassword: PASSWORD,
    ...overrides,
  })
  const deployer = () =>
    new SshDeployer({dataDir, registry: async () => registry, hostWaitMs: 300, logDir: path.join(dataDir, 'logs')})

  it('walks pre-bootstrap -> bootstrapping and succeeds through a real SSH bootstrap', async () => {
    const statuses: string[] = []
    const outcome = await deployer().deploy(
      request('10.10.10.12'),
      {setDeployStatus: (status) => statuses.push(status)},
      new AbortController().signal,
    )
    expect(outcome).toEqual({ok: true})
    expect(statuses).toEqual(['pre-bootstrap', 'bootstrapping'])
  })

  it('ends bootstrap-failed with the failing task in the error description', async () => {
    const outcome = await deployer().deploy(
      request('10.10.20.12', {subcloudName: 'subcloud2'}),
      {setDeployStatus: () => undefined},
      new AbortController().signal,
    )
    expect(outcome).toMatchObject({ok: false, deployStatus: 'bootstrap-failed'})
    expect(outcome.ok === false && outcome.errorDescription).toContain(
      'FAILED TASK: TASK [bootstrap/apply-manifest : Applying puppet bootstrap manifest]',
    )
  })

  it('fails like an unreachable host when no lab host serves the address, after a bounded wait', async () => {
    const started = Date.now()
    const outcome = await deployer().deploy(
      request('10.99.99.12', {subcloudName: 'ghost'}),
      {setDeployStatus: () => undefined},
      new AbortController().signal,
    )
    expect(Date.now() - started).toBeGreaterThanOrEqual(250)
    expect(outcome).toEqual({
      ok: false,
      deployStatus: 'bootstrap-failed',
      errorDescription: expect.stringMatching(
        /^FAILED bootstrapping playbook of \(ghost\)\.\ndetail: fatal: \[ghost\]: UNREACHABLE! => changed=false\n {2}msg: "Failed to connect to the host via ssh: ssh: connect to host 10\.99\.99\.12 port 22: No route to host"\n {2}unreachable: true \nFAILED TASK: TASK \[common\/check-connectivity : Check connectivity\]/,
      ),
    })
  })

  it('reports a wrong sysadmin password as the UNREACHABLE failure dcmanager shows', async () => {
    const outcome = await deployer().deploy(
      request('10.10.10.12', {sysadminPassword: 'wrong'}),
      {setDeployStatus: () => undefined},
      new AbortController().signal,
    )
    expect(outcome.ok === false && outcome.errorDescription).toContain(
      'Invalid/incorrect password: Permission denied, please try again.',
    )
  })

  it('returns bootstrap-aborted when the lab aborts the deploy', async () => {
    const controller = new AbortController()
    const outcome = deployer().deploy(
      request('fd01:30::12', {subcloudName: 'slow'}),
      {
        setDeployStatus: (status) => {
          if (status === 'bootstrapping') setTimeout(() => controller.abort(), 300)
        },
      },
      controller.signal,
    )
    await expect(outcome).resolves.toMatchObject({ok: false, deployStatus: 'bootstrap-aborted'})
  })
})
