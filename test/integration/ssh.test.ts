import {afterAll, beforeAll, describe, expect, test} from '@jest/globals'
import {execFileSync, spawn} from 'node:child_process'
import {existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync} from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'

import {ConnectionError, ExitCode} from '../../src/core/errors.js'
import {AuthenticationError, connectSsh} from '../../src/core/ssh/connection.js'
import {fingerprint} from '../../src/core/ssh/known-hosts.js'
import type {SshTargetOptions} from '../../src/core/ssh/types.js'
import {type TestSshd, startSshd, sshdUnavailable} from '../helpers/sshd.js'

const skip = sshdUnavailable()
if (skip) console.log(`skipping SSH integration tests: ${skip}`)
const maybe = skip ? describe.skip : describe

maybe('SSH layer against a real OpenSSH sshd', () => {
  let sshd: TestSshd
  let scratch: string
  let knownHosts: string
  const base = (): SshTargetOptions => ({
    host: sshd.host,
    port: sshd.port,
    user: sshd.user,
    password: sshd.password,
    configFile: null,
    knownHostsFile: knownHosts,
    connectTimeoutMs: 10_000,
  })

  beforeAll(async () => {
    sshd = await startSshd({fakeSudo: true})
    scratch = mkdtempSync(path.join(os.tmpdir(), 'dcm-ssh-test-'))
    knownHosts = path.join(scratch, 'known_hosts')
  })
  afterAll(async () => {
    await sshd?.stop()
    if (scratch) rmSync(scratch, {recursive: true, force: true})
  })

  test('password auth, streamed output, exit status and signal', async () => {
    const session = await connectSsh(base())
    try {
      const chunks: string[] = []
      const result = await session.exec('id -un; for i in 1 2 3; do echo line$i; done; echo oops >&2; exit 3', {
        onStdout: (text) => chunks.push(text),
      })
      expect(result.code).toBe(3)
      expect(result.lost).toBe(false)
      expect(chunks.join('')).toBe(`${sshd.user}\nline1\nline2\nline3\n`)
      expect(result.stderr).toBe('oops\n')
      const killed = await session.exec('kill -TERM $$')
      expect(killed.code).toBeNull()
      expect(killed.signal).toBe('SIGTERM')
    } finally {
      session.close()
    }
    // accept-new recorded the key, 0600, under the [host]:port name.
    const recorded = readFileSync(knownHosts, 'utf8')
    expect(recorded).toContain(`[127.0.0.1]:${sshd.port} ${sshd.hostKeyPublic}`)
    expect(statSync(knownHosts).mode & 0o777).toBe(0o600)
  })

  test('debug lines show the hops and commands but never the password', async () => {
    const lines: string[] = []
    const session = await connectSsh({...base(), onDebug: (line) => lines.push(line)})
    try {
      await session.sudo('true')
    } finally {
      session.close()
    }
    const text = lines.join('\n')
    expect(text).toContain(`ssh: connecting to ${sshd.user}@127.0.0.1:${sshd.port}`)
    expect(text).toContain("ssh exec on 127.0.0.1: sudo -S -k -p '' -- sh -c 'exec true </dev/null' (with stdin)")
    expect(text).not.toContain(sshd.password)
  })

  test('key auth with --identity-file and no password', async () => {
    const session = await connectSsh({...base(), password: undefined, identityFiles: [sshd.clientKeyFile]})
    try {
      expect((await session.run('id -un', 'id')).trim()).toBe(sshd.user)
    } finally {
      session.close()
    }
  })

  test('ssh-agent authentication (the way operators reach jump hosts)', async () => {
    const socket = path.join(scratch, 'agent.sock')
    const agent = spawn('ssh-agent', ['-D', '-a', socket], {stdio: 'ignore'})
    try {
      for (let i = 0; i < 50 && !existsSync(socket); i++) await new Promise((resolve) => setTimeout(resolve, 50))
      execFileSync('ssh-add', ['-q', sshd.clientKeyFile], {
        env: {...process.env, SSH_AUTH_SOCK: socket},
        stdio: 'ignore',
      })
      const session = await connectSsh({...base(), password: undefined, agentSocket: socket})
      try {
        expect((await session.run('id -un', 'id')).trim()).toBe(sshd.user)
      } finally {
        session.close()
      }
      // Without the agent (and no password, no key) the same login is refused.
      const refused = await connectSsh({...base(), password: undefined, agentSocket: null}).catch((e) => e)
      expect(refused).toBeInstanceOf(AuthenticationError)
    } finally {
      agent.kill()
    }
  })

  test('an SSH client config maps a 10.x bootstrap address to the loopback port before connecting', async () => {
    const config = path.join(scratch, 'ssh_config')
    writeFileSync(
      config,
      `# as dcm lab writes it\nHost 10.10.10.12\n  HostName 127.0.0.1\n  Port ${sshd.port}\n  User ${sshd.user}\n`,
    )
    const session = await connectSsh({
      host: '10.10.10.12',
      password: sshd.password,
      configFile: config,
      knownHostsFile: knownHosts,
    })
    try {
      expect(session.target).toMatchObject({
        alias: '10.10.10.12',
        hostname: '127.0.0.1',
        port: sshd.port,
        user: sshd.user,
      })
      expect((await session.run('echo $SSH_CONNECTION', 'probe')).split(' ')[2]).toBe('127.0.0.1')
    } finally {
      session.close()
    }
  })

  test('ProxyJump through a jump host (key auth on the jump, password on the target)', async () => {
    const config = path.join(scratch, 'ssh_config_jump')
    writeFileSync(
      config,
      [
        'Host jump',
        '  HostName 127.0.0.1',
        `  Port ${sshd.port}`,
        `  User ${sshd.user}`,
        `  IdentityFile ${sshd.clientKeyFile}`,
        'Host subcloud1',
        '  HostName 127.0.0.1',
        `  Port ${sshd.port}`,
        '  ProxyJump jump',
        '',
      ].join('\n'),
    )
    const session = await connectSsh({
      host: 'subcloud1',
      user: sshd.user,
      password: sshd.password,
      configFile: config,
      knownHostsFile: knownHosts,
    })
    try {
      expect(session.target.jumps.map((j) => j.alias)).toEqual(['jump'])
      // Seen from the target, the connection comes from the jump host's forwarding (sshd itself, on loopback).
      expect((await session.run('id -un', 'id')).trim()).toBe(sshd.user)
    } finally {
      session.close()
    }
  })

  test('wrong password: AuthenticationError, exit 3 like every authentication failure, clear message', async () => {
    const error = await connectSsh({...base(), password: 'not-the-password'}).catch((e) => e)
    expect(error).toBeInstanceOf(AuthenticationError)
    expect(error.exitCode).toBe(ExitCode.unreachable)
    expect(error.message).toBe(
      `authentication failed for ${sshd.user}@127.0.0.1:${sshd.port}: the password or key was not accepted`,
    )
    expect(error.message).not.toContain('not-the-password')
  })

  test('nothing listening: ConnectionError, exit 3', async () => {
    const closedPort = await new Promise<number>((resolve) => {
      const server = net.createServer().listen(0, '127.0.0.1', () => {
        const {port} = server.address() as net.AddressInfo
        server.close(() => resolve(port))
      })
    })
    const error = await connectSsh({...base(), port: closedPort}).catch((e) => e)
    expect(error).toBeInstanceOf(ConnectionError)
    expect(error.exitCode).toBe(ExitCode.unreachable)
    expect(error.message).toContain('ECONNREFUSED')
  })

  test('strict policy refuses an unknown host key; off and accept-new are explained by the policy', async () => {
    const emptyKnown = path.join(scratch, 'known_hosts_strict')
    const error = await connectSsh({...base(), knownHostsFile: emptyKnown, hostKeyPolicy: 'strict'}).catch((e) => e)
    expect(error).toBeInstanceOf(ConnectionError)
    expect(error.message).toMatch(/is not in .*known_hosts_strict and --ssh-host-key-policy is strict/)
    expect(error.message).toContain('SHA256:')
  })

  test('SFTP upload is written 0600 even over an existing world-readable file; remove works', async () => {
    const session = await connectSsh(base())
    try {
      const home = await session.homeDirectory()
      expect(home).toBe(sshd.home)
      const file = `${home}/localhost.yml`
      await session.run(`umask 022; echo old > ${file}; chmod 644 ${file}`, 'prepare')
      const content = 'system_mode: simplex\n' + 'x'.repeat(100_000) + '\n'
      await session.upload(file, content)
      expect((await session.run(`stat -c %a ${file}`, 'stat')).trim()).toBe('600')
      expect(await session.run(`cat ${file}`, 'cat')).toBe(content)
      await session.remove(file)
      await session.remove(file) // already gone: fine
      expect((await session.exec(`test -e ${file}`)).code).toBe(1)
    } finally {
      session.close()
    }
  })

  test('SFTP upload never writes through a symlink planted at its path', async () => {
    const session = await connectSsh(base())
    try {
      const home = await session.homeDirectory()
      const file = `${home}/localhost.yml`
      const victim = `${home}/victim`
      await session.run(`umask 022; echo precious > ${victim}; ln -sfn ${victim} ${file}`, 'prepare')
      await session.upload(file, 'ansible_become_pass: secret\n')
      expect(await session.run(`cat ${victim}`, 'cat')).toBe('precious\n')
      expect((await session.run(`stat -c '%F %a' ${file}`, 'stat')).trim()).toBe('regular file 600')
      await session.remove(file)
      await session.remove(victim)
    } finally {
      session.close()
    }
  })

  test('sudo -S takes the password on stdin; a wrong one is refused clearly', async () => {
    const session = await connectSsh(base())
    try {
      const result = await session.sudo('printf %s ok')
      expect(result.code).toBe(0)
      expect(result.stdout).toBe('ok')
    } finally {
      session.close()
    }
    const wrong = await connectSsh({...base(), identityFiles: [sshd.clientKeyFile], password: 'wrong-sudo-pass'})
    try {
      const error = await wrong.sudo('true').catch((e) => e)
      expect(error).toBeInstanceOf(AuthenticationError)
      expect(error.message).toContain('refused the sysadmin password')
    } finally {
      wrong.close()
    }
  })

  test('a silently dead network (no FIN, no RST) is detected by keepalive and reported as a lost connection', async () => {
    // A TCP relay in front of sshd that can stop forwarding without closing anything: what a pulled cable looks like.
    let blackhole = false
    const sockets: net.Socket[] = []
    const relay = net.createServer((inbound) => {
      const outbound = net.connect(sshd.port, '127.0.0.1')
      sockets.push(inbound, outbound)
      inbound.on('data', (d) => blackhole || outbound.write(d))
      outbound.on('data', (d) => blackhole || inbound.write(d))
      inbound.on('error', () => outbound.destroy())
      outbound.on('error', () => inbound.destroy())
    })
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve))
    const relayPort = (relay.address() as net.AddressInfo).port
    const relayKnownHosts = path.join(scratch, 'known_hosts_relay')
    writeFileSync(relayKnownHosts, `[127.0.0.1]:${relayPort} ${sshd.hostKeyPublic}\n`)
    const session = await connectSsh({
      ...base(),
      port: relayPort,
      knownHostsFile: relayKnownHosts,
      keepaliveIntervalMs: 300,
      keepaliveCountMax: 2,
    })
    try {
      const closed = new Promise<string>((resolve) => session.onClose(resolve))
      const started = Date.now()
      const running = session.exec('echo started; sleep 293', {onStdout: () => (blackhole = true)})
      const result = await running
      expect(result.lost).toBe(true)
      expect(result.code).toBeNull()
      expect(Date.now() - started).toBeLessThan(15_000)
      expect(await closed).toMatch(/lost|closed/)
      await expect(session.exec('true')).rejects.toThrow()
    } finally {
      session.close()
      for (const socket of sockets) socket.destroy()
      relay.close()
      for (const pid of sshd.pgrep('sleep 293')) process.kill(pid, 'SIGKILL')
    }
  })

  test('a changed host key is always refused, showing the new SHA256 fingerprint', async () => {
    const known = path.join(scratch, 'known_hosts_changed')
    writeFileSync(known, `${sshd.knownHostsLine}\n`)
    const before = readFileSync(known, 'utf8')
    await sshd.rotateHostKey()
    const newBlob = Buffer.from(sshd.hostKeyPublic.split(' ')[1], 'base64')
    for (const policy of ['accept-new', 'strict', 'off'] as const) {
      const error = await connectSsh({...base(), knownHostsFile: known, hostKeyPolicy: policy}).catch((e) => e)
      expect(error).toBeInstanceOf(ConnectionError)
      expect(error.message).toContain(`host key for [127.0.0.1]:${sshd.port} has CHANGED`)
      expect(error.message).toContain(fingerprint(newBlob))
      expect(error.hint).toContain(`line 1 of ${known}`)
    }
    // The file is left as it was: nothing was "accepted".
    expect(readFileSync(known, 'utf8')).toBe(before)
    // Only with no known_hosts at all does `off` connect to the reinstalled host.
    const session = await connectSsh({...base(), knownHostsFile: '/dev/null', hostKeyPolicy: 'off'})
    session.close()
  })
})
