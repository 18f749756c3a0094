import {createHash, scryptSync, timingSafeEqual} from 'node:crypto'

import {findTask, type TranscriptTask} from './bootstrap-transcript-tasks.js'
import {HostFs} from './ssh-host-fs.js'

/**
 * One simulated StarlingX controller-0 as the SSH server and its command interpreter see it: the files,
 * the sysadmin password (as a salted scrypt hash: the registry persists it), the running processes (so an
 * abort can kill a playbook's process group from a second exec channel), and the failure injection.
 */
export const PLAYBOOK_PATH = '/usr/share/ansible/stx-ansible/playbooks/bootstrap.yml'
export const BOOTSTRAP_COMPLETED_FLAG = '/etc/platform/.bootstrap_completed'
export const INITIAL_CONFIG_COMPLETE_FLAG = '/etc/platform/.initial_config_complete'
export const SYSADMIN = 'sysadmin'
export const SYSADMIN_HOME = '/home/sysadmin'

export interface PasswordHash {
  salt: string
  hash: string
  /** scrypt cost N. */
  cost: number
}

/**
 * A lab password is a test fixture, not a credential worth a 50 ms hash: a cost of 1024 keeps it salted and
 * unreadable in hosts.json while 100 hosts can log in at once without stalling the lab.
 */
const LAB_SCRYPT_COST = 1024

export function hashPassword(password: string, salt: string): PasswordHash {
  return {salt, cost: LAB_SCRYPT_COST, hash: scryptSync(password, salt, 32, {N: LAB_SCRYPT_COST}).toString('hex')}
}

export function passwordMatches(password: string, stored: PasswordHash): boolean {
  const candidate = scryptSync(password, stored.salt, 32, {N: stored.cost ?? 16384})
  const expected = Buffer.from(stored.hash, 'hex')
  return candidate.length === expected.length && timingSafeEqual(candidate, expected)
}

export interface MachineOptions {
  hostname: string
  release: string
  password: PasswordHash
  /** A `--fail-at` spec (task, `role : task` or role); validated by the registry before it gets here. */
  failAt?: string
  /** Wall time of a successful bootstrap run, in ms. */
  durationMs: number
  bootstrapped: boolean
  /** Persist the bootstrapped marker (the registry writes it to the lab's data dir). */
  onBootstrapped?: () => void
}

export interface HostProcess {
  pid: number
  pgid: number
  argv: string[]
  /** Aborting it kills the process; the reason is the signal name ('TERM', 'KILL', 'INT', 'HUP'). */
  controller: AbortController
}

export class HostMachine {
  readonly fs = new HostFs()
  readonly processes = new Map<number, HostProcess>()
  private nextPid = 4000 + Math.floor(Math.random() * 1000)
  private readonly verified = new Set<string>()

  constructor(readonly options: MachineOptions) {
    this.seedFiles()
  }

  get hostname(): string {
    return this.options.hostname
  }

  /**
   * scrypt is deliberately slow and synchronous, and a bootstrap checks the password three times (SSH login,
   * sudo, ansible_become_pass): remember which candidates matched (by a digest, in memory only) so a lab
   * serving 50 parallel bootstraps does not stall its event loop.
   */
  checkPassword(password: string): boolean {
    const digest = createHash('sha256').update(this.options.password.salt).update(password).digest('hex')
    if (this.verified.has(digest)) return true
    const ok = passwordMatches(password, this.options.password)
    if (ok) this.verified.add(digest)
    return ok
  }

  failTask(): TranscriptTask | undefined {
    return this.options.failAt ? findTask(this.options.failAt) : undefined
  }

  isBootstrapped(): boolean {
    return this.fs.exists(BOOTSTRAP_COMPLETED_FLAG)
  }

  markBootstrapped(): void {
    this.fs.writeFile(BOOTSTRAP_COMPLETED_FLAG, '', {mode: 0o644})
    this.options.onBootstrapped?.()
  }

  spawn(argv: string[], pgid?: number): HostProcess {
    const pid = this.nextPid++
    const process: HostProcess = {pid, pgid: pgid ?? pid, argv, controller: new AbortController()}
    this.processes.set(pid, process)
    return process
  }

  exit(process: HostProcess): void {
    this.processes.delete(process.pid)
  }

  /** kill(2) semantics: a negative target is a process group. Returns how many processes got the signal. */
  kill(target: number, signal: string): number {
    const victims = [...this.processes.values()].filter((p) => (target < 0 ? p.pgid === -target : p.pid === target))
    if (signal !== '0') {
      for (const victim of victims) {
        victim.controller.abort(signal)
        // Every signal sent here terminates: the process is gone (reaped) from now on, even while the
        // JavaScript that modelled it is still unwinding.
        this.processes.delete(victim.pid)
      }
    }
    return victims.length
  }

  /** Stop everything (lab shutdown or host removal). */
  killAll(): void {
    for (const process of this.processes.values()) process.controller.abort('KILL')
  }

  private seedFiles(): void {
    const {fs} = this
    for (const dir of ['/etc/platform', '/etc/ansible', '/tmp', '/var/log', '/opt/platform/config']) {
      fs.mkdir(dir, {recursive: true})
    }
    fs.mkdir(SYSADMIN_HOME, {recursive: true, mode: 0o750})
    fs.mkdir('/usr/share/ansible/stx-ansible/playbooks', {recursive: true})
    fs.writeFile(
      '/etc/build.info',
      [
        '###',
        '### StarlingX',
        `###     Release ${this.options.release}`,
        '###',
        '',
        'OS="debian"',
        `SW_VERSION="${this.options.release}"`,
        'BUILD_TARGET="Host Installer"',
        'BUILD_TYPE="Formal"',
        'BUILD_ID="lab"',
        '',
      ].join('\n'),
    )
    fs.writeFile(
      '/etc/platform/platform.conf',
      `nodetype=controller\nsubfunction=controller,worker\nsystem_type=All-in-one\nsw_version=${this.options.release}\n`,
    )
    fs.writeFile('/etc/hostname', 'localhost\n')
    fs.writeFile(PLAYBOOK_PATH, '---\n- hosts: all\n  gather_facts: no\n')
    fs.writeFile('/etc/ansible/hosts', 'all:\n  hosts:\n    localhost:\n      ansible_connection: local\n')
    if (this.options.bootstrapped) fs.writeFile(BOOTSTRAP_COMPLETED_FLAG, '')
  }
}
