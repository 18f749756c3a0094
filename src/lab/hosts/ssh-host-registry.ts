import {createHash, randomBytes} from 'node:crypto'
import {promises as fs} from 'node:fs'
import path from 'node:path'

import {parseAddress} from '../../core/net/cidr.js'
import {UsageError} from '../../core/errors.js'
import {loadSsh2} from '../../core/ssh/ssh2-module.js'
import {
  ensurePrivateDir,
  readJsonIfExists,
  readTrustedFileSync,
  writePrivateFileAtomic,
  writeJsonAtomic,
} from '../../core/files/private-file.js'
import {ensureLabDataDir} from '../lab-files.js'
import {findTask, roleNames} from './bootstrap-transcript-tasks.js'
import {KNOWN_HOSTS_FILE, LAB_BOUNDARY_KEYWORD, SSH_CONFIG_FILE} from './host-files.js'
import {SshHost} from './ssh-host.js'
import {hashPassword, HostMachine, type PasswordHash} from './ssh-host-machine.js'

/**
 * The simulated subcloud controllers of one lab data dir. Each host is a HostMachine served by its own
 * SshHost on a loopback port; the registry keeps what must outlive the lab process (`hosts.json`: name,
 * bootstrap address, release, failure injection, the sysadmin password as a salted hash, whether it is
 * bootstrapped; one host key file per host, 0600) and the two files an SSH client needs to reach the
 * hosts by their bootstrap addresses without a packet leaving loopback:
 *
 *   ssh_config   Host 10.10.10.12 / HostName 127.0.0.1 / Port <p> / User sysadmin / HostKeyAlias 10.10.10.12
 *   known_hosts  10.10.10.12 ssh-ed25519 AAAA...
 *
 * (`dcm lab env` exports DCM_SSH_CONFIG and DCM_KNOWN_HOSTS pointing at them; OpenSSH's `ssh -F` reads the
 * same config.) Ports are ephemeral: after a restart each host tries its previous port first, and the
 * config is rewritten either way.
 */
export const HOSTS_FILE = 'hosts.json'
export const HOST_KEYS_DIR = 'host-keys'

/** What a new host looks like when the operator gives no more than a name and an address. */
export const DEFAULT_HOST_DURATION_S = 5
export const DEFAULT_HOST_RELEASE = '24.09'

export interface LabHostSpec {
  name: string
  bootstrapAddress: string
  /** The sysadmin password the host accepts (SSH, sudo, ansible_become_pass); only its hash is kept. */
  password: string
  failAt?: string
  durationSeconds?: number
  release?: string
}

export interface LabHostInfo {
  name: string
  bootstrapAddress: string
  port: number
  release: string
  failAt?: string
  durationSeconds: number
  bootstrapped: boolean
  /** SHA256 fingerprint of the host key, as `ssh` shows it. */
  fingerprint: string
}

interface StoredHost {
  name: string
  bootstrapAddress: string
  release: string
  failAt?: string
  durationSeconds: number
  password: PasswordHash
  port?: number
  bootstrapped: boolean
  createdAt: string
}

interface Running {
  stored: StoredHost
  host: SshHost
  publicKey: string
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/

export class LabHostRegistry {
  private readonly running = new Map<string, Running>()
  private queue: Promise<unknown> = Promise.resolve()
  private closed = false

  private constructor(
    readonly dataDir: string,
    private readonly onLog: (line: string) => void,
  ) {}

  get sshConfigPath(): string {
    return path.join(this.dataDir, SSH_CONFIG_FILE)
  }

  get knownHostsPath(): string {
    return path.join(this.dataDir, KNOWN_HOSTS_FILE)
  }

  /** Load the data dir's hosts and serve each of them. */
  static async open(dataDir: string, options: {onLog?: (line: string) => void} = {}): Promise<LabHostRegistry> {
    const registry = new LabHostRegistry(dataDir, options.onLog ?? (() => undefined))
    ensureLabDataDir(dataDir)
    ensurePrivateDir(path.join(dataDir, HOST_KEYS_DIR), {what: "the lab's host key directory"})
    const stored = (await readJsonIfExists<{hosts: StoredHost[]}>(path.join(dataDir, HOSTS_FILE)))?.hosts ?? []
    for (const host of stored) await registry.serve(host)
    await registry.writeClientFiles()
    return registry
  }

  list(): LabHostInfo[] {
    return [...this.running.values()].map((entry) => this.info(entry)).sort((a, b) => a.name.localeCompare(b.name))
  }

  get(name: string): LabHostInfo | undefined {
    const entry = this.running.get(name)
    return entry && this.info(entry)
  }

  findByAddress(address: string): LabHostInfo | undefined {
    const wanted = canonicalAddress(address)
    return this.list().find((host) => canonicalAddress(host.bootstrapAddress) === wanted)
  }

  /** Validate and start a new host; UsageError (exit 2) for bad input or a name/address already taken. */
  add(spec: LabHostSpec): Promise<LabHostInfo> {
    return this.serialized(async () => {
      const stored = this.validate(spec)
      const entry = await this.serve(stored)
      try {
        await this.persist()
      } catch (error) {
        // Not on disk (a full disk): the host is not added, so the failure answered is the truth.
        this.running.delete(stored.name)
        await entry.host.close()
        await this.writeClientFiles().catch(() => undefined)
        throw error
      }
      this.onLog(`lab host ${stored.name} serving ${stored.bootstrapAddress} on 127.0.0.1:${entry.host.port}`)
      return this.info(entry)
    })
  }

  remove(name: string): Promise<LabHostInfo> {
    return this.serialized(async () => {
      const entry = this.running.get(name)
      if (!entry) throw new UsageError(`no lab host named ${name}`, {hint: 'see `dcm lab host list`'})
      this.running.delete(name)
      await entry.host.close()
      await fs.rm(this.keyFile(name), {force: true})
      await this.persist()
      this.onLog(`lab host ${name} removed`)
      return this.info(entry)
    })
  }

  async close(): Promise<void> {
    await this.serialized(async () => {
      this.closed = true
      for (const entry of this.running.values()) await entry.host.close()
      this.running.clear()
    })
  }

  private validate(spec: LabHostSpec): StoredHost {
    if (!NAME.test(spec.name))
      throw new UsageError(`invalid host name '${spec.name}': use letters, digits, '.', '_' and '-' (at most 63)`)
    if (this.running.has(spec.name)) throw new UsageError(`a lab host named ${spec.name} already exists`)
    const address = parseAddress(spec.bootstrapAddress)
    if (!address) throw new UsageError(`invalid bootstrap address '${spec.bootstrapAddress}': not an IP address`)
    const taken = this.findByAddress(spec.bootstrapAddress)
    if (taken)
      throw new UsageError(`bootstrap address ${spec.bootstrapAddress} is already served by lab host ${taken.name}`)
    if (!spec.password) throw new UsageError('the sysadmin password of a lab host may not be empty')
    if (spec.failAt !== undefined && !findTask(spec.failAt))
      throw new UsageError(`--fail-at '${spec.failAt}' names no task of the bootstrap playbook`, {
        hint: `give a task name (e.g. "Applying puppet bootstrap manifest") or a role: ${roleNames().join(', ')}`,
      })
    const duration = spec.durationSeconds ?? DEFAULT_HOST_DURATION_S
    if (!Number.isFinite(duration) || duration < 0 || duration > 86_400)
      throw new UsageError(`--duration ${spec.durationSeconds} is out of range (0 to 86400 seconds)`)
    const release = spec.release ?? DEFAULT_HOST_RELEASE
    if (!/^\d+\.\d+$/.test(release)) throw new UsageError(`--release '${release}' is not a release like 24.09`)
    return {
      name: spec.name,
      bootstrapAddress: spec.bootstrapAddress,
      release,
      failAt: spec.failAt,
      durationSeconds: duration,
      password: hashPassword(spec.password, randomBytes(16).toString('hex')),
      bootstrapped: false,
      createdAt: new Date().toISOString(),
    }
  }

  private async serve(stored: StoredHost): Promise<Running> {
    const {hostKey, publicKey} = await this.hostKey(stored.name)
    const machine = new HostMachine({
      hostname: stored.name,
      release: stored.release,
      password: stored.password,
      failAt: stored.failAt,
      durationMs: stored.durationSeconds * 1000,
      bootstrapped: stored.bootstrapped,
      onBootstrapped: () => {
        stored.bootstrapped = true
        // Only hosts.json changes: ssh_config and known_hosts stay as they are.
        void this.serialized(() => this.persist({clientFiles: false})).catch(() => undefined)
      },
    })
    const host = await SshHost.start({machine, hostKey, port: stored.port, onLog: this.onLog})
    stored.port = host.port
    const entry = {stored, host, publicKey}
    this.running.set(stored.name, entry)
    return entry
  }

  /** The host's key, generated on first use and kept 0600 so known_hosts stays valid across restarts. */
  private async hostKey(name: string): Promise<{hostKey: string; publicKey: string}> {
    const {utils} = await loadSsh2()
    const file = this.keyFile(name)
    // A key others could read or have planted is refused (UnsafeFileError names the file).
    let hostKey = readTrustedFileSync(file, {private: true})
    if (hostKey === undefined) {
      // ssh2 1.17 now and then generates an ed25519 key its own parser rejects ("Malformed OpenSSH private
      // key", about 1 in 200): keep only a key that parses.
      do hostKey = utils.generateKeyPairSync('ed25519', {comment: `dcm-lab-${name}`}).private
      while (utils.parseKey(hostKey) instanceof Error)
      await writePrivateFileAtomic(file, hostKey, 0o600)
    }
    const parsed = utils.parseKey(hostKey)
    if (parsed instanceof Error)
      throw new Error(`host key of lab host ${name} (${file}) is unreadable: ${parsed.message}`)
    const key = Array.isArray(parsed) ? parsed[0] : parsed
    return {hostKey, publicKey: `${key.type} ${key.getPublicSSH().toString('base64')}`}
  }

  private keyFile(name: string): string {
    return path.join(this.dataDir, HOST_KEYS_DIR, `${name}_ssh_host_ed25519_key`)
  }

  private info({stored, host, publicKey}: Running): LabHostInfo {
    const blob = Buffer.from(publicKey.split(' ')[1], 'base64')
    return {
      name: stored.name,
      bootstrapAddress: stored.bootstrapAddress,
      port: host.port,
      release: stored.release,
      failAt: stored.failAt,
      durationSeconds: stored.durationSeconds,
      bootstrapped: host.machine.isBootstrapped(),
      fingerprint: `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`,
    }
  }

  private async persist(options: {clientFiles?: boolean} = {}): Promise<void> {
    if (this.closed) return
    const hosts = [...this.running.values()].map((entry) => entry.stored)
    await writeJsonAtomic(path.join(this.dataDir, HOSTS_FILE), {hosts})
    if (options.clientFiles !== false) await this.writeClientFiles()
  }

  private async writeClientFiles(): Promise<void> {
    const entries = [...this.running.values()].sort((a, b) => a.stored.name.localeCompare(b.stored.name))
    const mapped = entries.map(({stored}) => stored.bootstrapAddress)
    const config = [
      "# Written by dcm lab: the lab's simulated subcloud controllers, by bootstrap address.",
      '# Use with DCM_SSH_CONFIG (see `dcm lab env`) or `ssh -F <this file> <address>`.',
      '# Any other address is refused (the last block), so nothing leaves loopback while you use the lab.',
      `IgnoreUnknown ${LAB_BOUNDARY_KEYWORD}`,
      ...entries.flatMap(({stored, host}) => [
        '',
        `# lab host ${stored.name}`,
        `Host ${stored.bootstrapAddress}`,
        '  HostName 127.0.0.1',
        `  Port ${host.port}`,
        '  User sysadmin',
        `  HostKeyAlias ${stored.bootstrapAddress}`,
        `  UserKnownHostsFile ${this.knownHostsPath}`,
        '  StrictHostKeyChecking yes',
      ]),
      '',
      '# Not a lab host: dcm refuses it (DcmRefuse), ssh fails before connecting (ProxyCommand).',
      `Host * ${mapped.map((address) => `!${address}`).join(' ')}`.trimEnd(),
      `  ${LAB_BOUNDARY_KEYWORD} "is not a host of this lab (its ssh_config maps only the addresses of dcm lab host list)"`,
      `  ProxyCommand sh -c "echo 'dcm lab: not a lab host (see dcm lab host list)' >&2; exit 1"`,
      '',
    ].join('\n')
    const knownHosts = entries.map(({stored, publicKey}) => `${stored.bootstrapAddress} ${publicKey}\n`).join('')
    await writePrivateFileAtomic(this.sshConfigPath, config)
    await writePrivateFileAtomic(this.knownHostsPath, knownHosts)
  }

  private serialized<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work)
    this.queue = next.catch(() => undefined)
    return next
  }
}

function canonicalAddress(address: string): string {
  const parsed = parseAddress(address)
  return parsed ? `${parsed.family}:${parsed.value}` : address
}

/** One registry per data dir and process: the lab's host service and its SSH deployer share it. */
const registries = new Map<string, Promise<LabHostRegistry>>()

export function labHostRegistry(
  dataDir: string,
  options: {onLog?: (line: string) => void} = {},
): Promise<LabHostRegistry> {
  const key = path.resolve(dataDir)
  let registry = registries.get(key)
  if (!registry) {
    registry = LabHostRegistry.open(key, options)
    registries.set(key, registry)
    registry.catch(() => registries.delete(key))
  }
  return registry
}

export async function closeLabHostRegistry(dataDir: string): Promise<void> {
  const key = path.resolve(dataDir)
  const registry = registries.get(key)
  registries.delete(key)
  if (registry) await (await registry).close()
}
