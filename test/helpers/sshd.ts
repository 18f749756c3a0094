import {execFileSync, spawn, type ChildProcess} from 'node:child_process'
import {randomBytes} from 'node:crypto'
import {chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'

/**
 * A real OpenSSH sshd for integration tests (ecosystem.md §4.1): loopback only, an ephemeral high port, a
 * throwaway ed25519 host key, and a throwaway user with a random password and a client key. Needs root
 * (useradd, password auth of another user) and /usr/sbin/sshd; `sshdUnavailable()` says why not, so a test
 * file can skip with a printed reason.
 */
export const SSHD = '/usr/sbin/sshd'

export function sshdUnavailable(): string | undefined {
  if (process.getuid?.() !== 0) return 'not root: the sshd tests need useradd and password auth of another user'
  if (!existsSync(SSHD)) return `${SSHD} is missing (apt-get install openssh-server)`
  if (!existsSync('/usr/sbin/useradd')) return 'useradd is missing'
  return undefined
}

export interface TestSshd {
  host: string
  port: number
  user: string
  password: string
  home: string
  /** Private key authorised for the user (OpenSSH format, unencrypted). */
  clientKeyFile: string
  /** The sshd host key's public line (`ssh-ed25519 AAAA...`). */
  hostKeyPublic: string
  /** A known_hosts line for this server: `[127.0.0.1]:port ssh-ed25519 AAAA...`. */
  knownHostsLine: string
  /** Scratch directory (0755) owned by root, readable by the test user: put playbooks here. */
  dir: string
  /** Replace the host key with a new one and restart sshd on the same port (a "reinstalled host"). */
  rotateHostKey(): Promise<void>
  /** Pids of every process of the test user (its login sessions and what they started). */
  userPids(): number[]
  /** Pids of the user's processes whose command line contains `text` (pgrep -f -u). */
  pgrep(text: string): number[]
  log(): string
  stop(): Promise<void>
}

export interface SshdOptions {
  /** The throwaway user's password (default: random); several servers may share one for batch tests. */
  password?: string
  /**
   * Debian's sudo is not installed on this machine; a tiny stand-in (`<dir>/bin/sudo`) that implements the
   * `sudo -S -k -p '' -- cmd` contract (password on stdin checked against the user's, else exit 1 with
   * sudo's "Sorry, try again." lines) is put first on the sessions' PATH when this is set.
   */
  fakeSudo?: boolean
}

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

function waitForBanner(port: number, deadline: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const attempt = () => {
      const socket = net.connect(port, '127.0.0.1')
      socket.once('data', (data) => {
        socket.destroy()
        if (data.toString().startsWith('SSH-')) resolve()
        else retry()
      })
      socket.once('error', retry)
      function retry() {
        socket.destroy()
        if (Date.now() > deadline) reject(new Error(`sshd did not answer on 127.0.0.1:${port}`))
        else setTimeout(attempt, 50)
      }
    }
    attempt()
  })
}

export async function startSshd(options: SshdOptions = {}): Promise<TestSshd> {
  const reason = sshdUnavailable()
  if (reason) throw new Error(reason)
  const user = `dcmt${randomBytes(4).toString('hex')}`
  const password = options.password ?? `Pw-${randomBytes(9).toString('base64url')}!`
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dcm-sshd-'))
  // 0755: sshd reads authorized_keys as the target user (ecosystem.md §4.1).
  chmodSync(dir, 0o755)
  execFileSync('/usr/sbin/useradd', ['-m', '-s', '/bin/bash', user])
  // The password goes through chpasswd's stdin, never argv.
  execFileSync('/usr/sbin/chpasswd', {input: `${user}:${password}\n`})
  const home = `/home/${user}`
  const keygen = (file: string) => execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', file])
  keygen(path.join(dir, 'host_ed25519'))
  keygen(path.join(dir, 'client_ed25519'))
  writeFileSync(path.join(dir, 'authorized_keys'), readFileSync(path.join(dir, 'client_ed25519.pub')), {mode: 0o644})
  let pathEnv = '/usr/local/bin:/usr/bin:/bin'
  if (options.fakeSudo) {
    execFileSync('mkdir', ['-p', path.join(dir, 'bin')])
    writeFileSync(path.join(dir, 'bin', 'sudo'), fakeSudoScript(password), {mode: 0o755})
    pathEnv = `${path.join(dir, 'bin')}:${pathEnv}`
  }
  mkdirRunSshd()

  let port = 0
  let child: ChildProcess | undefined
  let logText = ''
  const config = () =>
    [
      `Port ${port}`,
      'ListenAddress 127.0.0.1',
      `HostKey ${path.join(dir, 'host_ed25519')}`,
      `PidFile ${path.join(dir, 'sshd.pid')}`,
      `AuthorizedKeysFile ${path.join(dir, 'authorized_keys')}`,
      'PasswordAuthentication yes',
      'KbdInteractiveAuthentication no',
      'PubkeyAuthentication yes',
      'UsePAM no',
      'StrictModes no',
      `AllowUsers ${user}`,
      'AllowTcpForwarding yes',
      `SetEnv PATH=${pathEnv}`,
      'Subsystem sftp internal-sftp',
      'LogLevel VERBOSE',
      '',
    ].join('\n')
  const launch = async () => {
    writeFileSync(path.join(dir, 'sshd_config'), config())
    execFileSync(SSHD, ['-t', '-f', path.join(dir, 'sshd_config')])
    // -D: stays in the foreground as our child, so it is stopped by pid; -e: log to stderr.
    child = spawn(SSHD, ['-D', '-e', '-f', path.join(dir, 'sshd_config')], {stdio: ['ignore', 'ignore', 'pipe']})
    child.stderr?.on('data', (chunk) => (logText += chunk))
    await waitForBanner(port, Date.now() + 10_000)
  }
  const stopDaemon = async () => {
    const running = child
    if (!running || running.exitCode !== null || running.signalCode !== null) return
    await new Promise<void>((resolve) => {
      running.once('exit', () => resolve())
      running.kill('SIGTERM')
    })
  }
  // The port is free when we probe it; another process may grab it before sshd binds: retry a few times.
  for (let attempt = 0; ; attempt++) {
    port = await freePort()
    try {
      await launch()
      break
    } catch (error) {
      await stopDaemon()
      if (attempt >= 4) {
        // Leave nothing behind when sshd never came up: the throwaway user and the scratch directory go too.
        removeUser(user)
        rmSync(dir, {recursive: true, force: true})
        throw error
      }
    }
  }

  const hostKeyLine = () =>
    readFileSync(path.join(dir, 'host_ed25519.pub'), 'utf8').trim().split(/\s+/).slice(0, 2).join(' ')
  const pgrepUser = (args: string[]): number[] => {
    try {
      return execFileSync('pgrep', ['-u', user, ...args], {encoding: 'utf8'})
        .split('\n')
        .filter(Boolean)
        .map(Number)
    } catch {
      return []
    }
  }
  const server: TestSshd = {
    host: '127.0.0.1',
    port,
    user,
    password,
    home,
    dir,
    clientKeyFile: path.join(dir, 'client_ed25519'),
    get hostKeyPublic() {
      return hostKeyLine()
    },
    get knownHostsLine() {
      return `[127.0.0.1]:${port} ${hostKeyLine()}`
    },
    async rotateHostKey() {
      await stopDaemon()
      rmSync(path.join(dir, 'host_ed25519'))
      rmSync(path.join(dir, 'host_ed25519.pub'))
      keygen(path.join(dir, 'host_ed25519'))
      await launch()
    },
    userPids: () => pgrepUser([]),
    pgrep: (text: string) => pgrepUser(['-f', text]),
    log: () => logText,
    async stop() {
      await stopDaemon()
      // Every process of the throwaway user was started by this test: stop them by pid, then remove the user.
      for (const pid of pgrepUser([])) {
        try {
          process.kill(pid, 'SIGKILL')
        } catch {
          // already gone
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 100))
      removeUser(user)
      rmSync(dir, {recursive: true, force: true})
    },
  }
  return server
}

function removeUser(user: string): void {
  try {
    execFileSync('/usr/sbin/userdel', ['-r', '-f', user], {stdio: 'ignore'})
  } catch {
    // userdel -r warns about a missing mail spool; the user is gone either way
  }
}

function mkdirRunSshd(): void {
  // The privilege-separation directory is mandatory for sshd.
  execFileSync('mkdir', ['-p', '/run/sshd'])
  chmodSync('/run/sshd', 0o755)
}

/** Stand-in for sudo's `-S` contract (see SshdOptions.fakeSudo); it never reads the password from argv. */
function fakeSudoScript(password: string): string {
  const expected = Buffer.from(password).toString('base64')
  return `#!/bin/bash
# test stand-in for sudo -S: reads one line from stdin, compares it with the user's password
while [ $# -gt 0 ]; do case "$1" in -S|-k|-v) [ "$1" = -v ] && validate=1; shift;; -p) shift 2;; --) shift; break;; *) break;; esac; done
IFS= read -r given
if [ "$(printf '%s' "$given" | base64 -w0)" != '${expected}' ]; then
  echo 'Sorry, try again.' >&2
  echo 'sudo: 1 incorrect password attempt' >&2
  exit 1
fi
[ -n "$validate" ] && [ $# -eq 0 ] && exit 0
exec "$@"
`
}
