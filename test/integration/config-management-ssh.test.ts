import {type ChildProcess, execFileSync, spawn} from 'node:child_process'
import {chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from '@jest/globals'

import {runDcm} from '../helpers/cli.js'
import {type NetnsLab, createNetnsLab, netnsSkipReason} from '../helpers/netns.js'

/**
 * `dcm config-management --host`: the same plan run over SSH (charter D1's src/core/ssh) against a real
 * OpenSSH sshd on 127.0.0.1 that admits only root with a throwaway key. Every remote command is confined
 * to the test's network namespace with --netns, so the host's own interfaces are never touched.
 */
const SSHD = '/usr/sbin/sshd'
const skipReason = netnsSkipReason() ?? (existsSync(SSHD) ? undefined : `${SSHD} is missing (openssh-server)`)
if (skipReason) process.stdout.write(`config-management over SSH tests skipped: ${skipReason}\n`)
const describeSsh = skipReason ? describe.skip : describe

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const {port} = server.address() as net.AddressInfo
      server.close(() => resolve(port))
    })
  })
}

async function waitForBanner(port: number): Promise<void> {
  const deadline = Date.now() + 10_000
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1')
      socket.once('data', (data) => (socket.destroy(), resolve(data.toString().startsWith('SSH-'))))
      socket.once('error', () => (socket.destroy(), resolve(false)))
    })
    if (ok) return
    if (Date.now() > deadline) throw new Error(`sshd did not answer on 127.0.0.1:${port}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

describeSsh('dcm config-management --host (over SSH)', () => {
  let lab: NetnsLab
  let dir: string
  let port: number
  let sshd: ChildProcess

  beforeAll(async () => {
    lab = await createNetnsLab()
    dir = mkdtempSync(path.join(os.tmpdir(), 'dcm-cm-sshd-'))
    chmodSync(dir, 0o755)
    const keygen = (file: string) => execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', file])
    keygen(path.join(dir, 'host_ed25519'))
    keygen(path.join(dir, 'client_ed25519'))
    writeFileSync(path.join(dir, 'authorized_keys'), readFileSync(path.join(dir, 'client_ed25519.pub')), {mode: 0o644})
    execFileSync('mkdir', ['-p', '/run/sshd'])
    port = await freePort()
    writeFileSync(
      path.join(dir, 'sshd_config'),
      [
        `Port ${port}`,
        'ListenAddress 127.0.0.1',
        `HostKey ${path.join(dir, 'host_ed25519')}`,
        `PidFile ${path.join(dir, 'sshd.pid')}`,
        `AuthorizedKeysFile ${path.join(dir, 'authorized_keys')}`,
        'PermitRootLogin prohibit-password',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'UsePAM no',
        'StrictModes no',
        'AllowUsers root',
        '',
      ].join('\n'),
    )
    sshd = spawn(SSHD, ['-D', '-e', '-f', path.join(dir, 'sshd_config')], {stdio: 'ignore'})
    await waitForBanner(port)
  }, 30_000)

  afterAll(async () => {
    if (sshd && sshd.exitCode === null) {
      const exited = new Promise((resolve) => sshd.once('exit', resolve))
      sshd.kill('SIGTERM')
      await exited
    }
    await lab?.close()
    if (dir) rmSync(dir, {recursive: true, force: true})
  })

  const args = () => [
    'config-management',
    '--host',
    '127.0.0.1',
    '--ssh-port',
    String(port),
    '--identity-file',
    path.join(dir, 'client_ed25519'),
    '--netns',
    lab.controller,
    '--lldp-socket',
    lab.lldpSocket,
    '--interface',
    lab.iface,
    '--address',
    '192.168.101.10/24',
    '--system-controller-subnet',
    '192.168.204.0/24',
    '--yes',
    '--lldp-timeout',
    '20',
    '--log-file',
    path.join(dir, 'config-management.log'),
    '--record-dir',
    path.join(dir, 'records'),
  ]
  const env = () => ({DCM_KNOWN_HOSTS: path.join(dir, 'known_hosts'), DCM_SSH_CONFIG: path.join(dir, 'no-config')})

  it('applies the plan remotely, and a second run over SSH changes nothing', async () => {
    writeFileSync(path.join(dir, 'no-config'), '')
    const first = await runDcm(args(), {env: env()})
    expect(first.stderr).toBe('')
    expect(first.code).toBe(0)
    expect(first.stdout).toMatch(new RegExp(`^${lab.iface} +${lab.switchPort} +up `, 'm'))
    expect(first.stdout).toContain('Adding route to System Controller...  DONE')
    const addresses = JSON.parse(lab.ip('-j', '-4', 'addr', 'show', 'dev', lab.iface)) as {
      addr_info: {local: string}[]
    }[]
    expect(addresses[0].addr_info.map((info) => info.local)).toEqual(['192.168.101.10'])
    expect(lab.ip('-4', 'route', 'show', '192.168.204.0/24')).toContain(`via 192.168.101.1 dev ${lab.iface}`)

    const before = lab.snapshot()
    const second = await runDcm(args(), {env: env()})
    expect(second.code).toBe(0)
    expect(second.stdout).toContain('Nothing to change')
    expect(lab.snapshot()).toEqual(before)
    // The host key was recorded on first use (accept-new).
    expect(readFileSync(path.join(dir, 'known_hosts'), 'utf8')).toContain(`[127.0.0.1]:${port} ssh-ed25519 `)
  })
})
