import {existsSync, readFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {StringDecoder} from 'node:string_decoder'

import type {AuthMethod, Client, ClientChannel, SFTPWrapper} from 'ssh2'

import {ConnectionError, OperationError, UsageError} from '../errors.js'
import {defaultKnownHostsFile, hostKeyFromBlob, knownHostsName, verifyHostKey} from './known-hosts.js'
import {shellQuote} from './shell-quote.js'
import {resolveSshTarget} from './ssh-config.js'
import type {ExecOptions, ExecResult, ResolvedHop, ResolvedTarget, SshTargetOptions} from './types.js'
import {loadSsh2} from './ssh2-module.js'

const DEFAULT_CONNECT_TIMEOUT_MS = 20_000
const DEFAULT_KEEPALIVE_MS = 15_000
const DEFAULT_KEEPALIVE_COUNT = 4
const DEFAULT_IDENTITIES = ['id_ed25519', 'id_ecdsa', 'id_rsa']

/** Raised (as a ConnectionError subclass) when the connection dies while a command still runs. */
export class ConnectionLostError extends ConnectionError {}

/**
 * The password or key was refused. One rule for every authentication failure, SSH or HTTP (a Keystone 401):
 * exit 3, "cannot reach or authenticate to a service" (README, Exit codes).
 */
export class AuthenticationError extends ConnectionError {}

/**
 * Open an SSH session: the client config is applied first (so aliases such as the lab's 10.x bootstrap
 * addresses are mapped before anything connects), then every hop's host key is checked against known_hosts.
 */
export async function connectSsh(options: SshTargetOptions): Promise<SshSession> {
  const target = resolveSshTarget(options)
  const {Client} = await loadSsh2()
  const clients: Client[] = []
  try {
    let previous: Client | undefined
    for (const hop of [...target.jumps, target]) {
      const sock = previous ? await forward(previous, hop) : undefined
      const isTarget = hop === target
      previous = await connectHop(new Client(), hop, options, isTarget ? options.password : undefined, sock, isTarget)
      clients.push(previous)
    }
  } catch (error) {
    for (const client of clients.reverse()) client.end()
    throw error
  }
  options.onDebug?.(`ssh: authenticated as ${target.user} on ${target.hostname}:${target.port}`)
  return new SshSession(clients, target, options.password, options.onDebug)
}

function forward(via: Client, hop: ResolvedHop): Promise<ClientChannel> {
  return new Promise((resolve, reject) =>
    via.forwardOut('127.0.0.1', 0, hop.hostname, hop.port, (error, stream) =>
      error
        ? reject(
            new ConnectionError(`jump host cannot reach ${describe(hop)}: ${error.message}`, {
              hint: 'check ProxyJump and HostName in the SSH client config',
            }),
          )
        : resolve(stream),
    ),
  )
}

function describe(hop: ResolvedHop): string {
  const where = `${hop.hostname}:${hop.port}`
  return hop.alias === hop.hostname ? `${hop.user}@${where}` : `${hop.user}@${hop.alias} (${where})`
}

function identities(hop: ResolvedHop, explicit: string[], onDebug?: (line: string) => void): Buffer[] {
  const keys: Buffer[] = []
  const candidates = hop.identityFiles.length
    ? hop.identityFiles
    : DEFAULT_IDENTITIES.map((name) => path.join(os.homedir(), '.ssh', name)).filter((file) => existsSync(file))
  for (const file of candidates) {
    try {
      keys.push(readFileSync(file))
    } catch (error) {
      // An identity the operator named on the command line must exist; config and default ones are optional.
      if (explicit.includes(file))
        throw new UsageError(`--identity-file ${file}: cannot read it (${(error as NodeJS.ErrnoException).code})`)
      onDebug?.(`skipping identity ${file}: ${(error as NodeJS.ErrnoException).code}`)
    }
  }
  return keys
}

async function connectHop(
  client: Client,
  hop: ResolvedHop,
  options: SshTargetOptions,
  password: string | undefined,
  sock: ClientChannel | undefined,
  isTarget: boolean,
): Promise<Client> {
  const {utils} = await loadSsh2()
  const auth: AuthMethod[] = []
  for (const key of identities(hop, isTarget ? (options.identityFiles ?? []) : [], options.onDebug)) {
    const parsed = utils.parseKey(key)
    if (parsed instanceof Error) {
      options.onDebug?.(`skipping an identity that is encrypted or not a private key: ${parsed.message}`)
      continue
    }
    auth.push({type: 'publickey', username: hop.user, key} as AuthMethod)
  }
  // The password before the agent: an agent holding many keys would otherwise use up sshd's MaxAuthTries
  // before the sysadmin password is ever offered.
  if (password !== undefined) auth.push({type: 'password', username: hop.user, password} as AuthMethod)
  const agent = options.agentSocket === null ? undefined : (options.agentSocket ?? process.env.SSH_AUTH_SOCK)
  if (agent) auth.push({type: 'agent', username: hop.user, agent} as AuthMethod)
  if (auth.length === 0) auth.push({type: 'none', username: hop.user})

  const knownHostsFile = defaultKnownHostsFile(options.knownHostsFile)
  const keyName = knownHostsName(hop.hostKeyAlias ?? hop.hostname, hop.hostKeyAlias ? 22 : hop.port)
  let hostKeyError: Error | undefined
  options.onDebug?.(`ssh: connecting to ${describe(hop)}${sock ? ' through the jump host' : ''}`)

  return new Promise((resolve, reject) => {
    const onError = (error: Error & {level?: string; code?: string}) => {
      client.end()
      reject(mapConnectError(error, hop, hostKeyError))
    }
    client.once('error', onError)
    client.once('ready', () => {
      client.removeListener('error', onError)
      // Commands, SFTP and ansible's line-by-line output are many small packets: without TCP_NODELAY each waits
      // on Nagle/delayed ACK (about 1 s per lab bootstrap measured by bench/bootstrap-parallel).
      client.setNoDelay(true)
      // Later errors (keepalive timeout, reset) surface as a closed connection; keep them from crashing.
      client.on('error', (error) => options.onDebug?.(`ssh: ${describe(hop)}: ${error.message}`))
      resolve(client)
    })
    client.connect({
      host: hop.hostname,
      port: hop.port,
      username: hop.user,
      sock,
      authHandler: auth,
      readyTimeout: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      keepaliveInterval: options.keepaliveIntervalMs ?? DEFAULT_KEEPALIVE_MS,
      keepaliveCountMax: options.keepaliveCountMax ?? DEFAULT_KEEPALIVE_COUNT,
      hostVerifier: (blob: Buffer) => {
        try {
          verifyHostKey({
            file: knownHostsFile,
            name: keyName,
            key: hostKeyFromBlob(blob),
            policy: options.hostKeyPolicy ?? 'accept-new',
            onDebug: options.onDebug,
          })
          return true
        } catch (error) {
          hostKeyError = error as Error
          return false
        }
      },
    })
  })
}

function mapConnectError(error: Error & {level?: string; code?: string}, hop: ResolvedHop, hostKeyError?: Error) {
  if (hostKeyError) return hostKeyError
  const where = describe(hop)
  if (error.level === 'client-authentication')
    return new AuthenticationError(`authentication failed for ${where}: the password or key was not accepted`, {
      // Generic: the caller knows which password or key the operator gave it, and may say so instead.
      hint: 'check the password or key (--identity-file) and the user (--ssh-user)',
    })
  if (error.level === 'client-timeout' || error.code === 'ETIMEDOUT')
    return new ConnectionError(`cannot connect to ${where}: timed out`, {
      hint: 'check the address, that the host is up and that port is open (--ssh-connect-timeout to wait longer)',
    })
  const reason = error.code ? `${error.code}` : error.message
  return new ConnectionError(`cannot connect to ${where}: ${reason}`, {
    hint: 'check the address and port (--ssh-port, or HostName/Port in the SSH client config)',
  })
}

/**
 * One authenticated connection. Commands run in non-TTY exec channels (separate stderr, no colour, no CR);
 * secrets travel only on a channel's stdin or in files written 0600, never in a command string.
 */
export class SshSession {
  private closedReason: string | undefined
  private sftp: Promise<SFTPWrapper> | undefined
  private readonly closeListeners = new Set<(reason: string) => void>()

  constructor(
    private readonly clients: Client[],
    readonly target: ResolvedTarget,
    private readonly password: string | undefined,
    private readonly onDebug?: (line: string) => void,
  ) {
    const client = this.client
    const onClose = () => {
      this.closedReason ??= 'the SSH connection was closed'
      for (const listener of this.closeListeners) listener(this.closedReason)
    }
    client.on('close', onClose)
    client.on('error', (error) => (this.closedReason ??= `the SSH connection was lost: ${error.message}`))
  }

  private get client(): Client {
    return this.clients[this.clients.length - 1]
  }

  get isClosed(): boolean {
    return this.closedReason !== undefined
  }

  /** Called once when the connection goes away (dropped, keepalive timeout, or close()). */
  onClose(listener: (reason: string) => void): () => void {
    this.closeListeners.add(listener)
    return () => this.closeListeners.delete(listener)
  }

  exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    if (this.closedReason) return Promise.reject(new ConnectionLostError(this.closedReason))
    // Command strings never carry secrets (they travel on stdin or in 0600 files), so they can be shown as is.
    this.onDebug?.(`ssh exec on ${this.target.alias}: ${command}${options.stdin !== undefined ? ' (with stdin)' : ''}`)
    return new Promise((resolve, reject) => {
      this.client.exec(command, (error, channel) => {
        if (error)
          return reject(new ConnectionLostError(`cannot run a command on ${this.target.alias}: ${error.message}`))
        let code: number | null = null
        let exitSignal: string | undefined
        let exited = false
        let stdout = ''
        let stderr = ''
        const outDecoder = new StringDecoder('utf8')
        const errDecoder = new StringDecoder('utf8')
        const onOut = (text: string) => (options.onStdout ? options.onStdout(text) : (stdout += text))
        const onErr = (text: string) => (options.onStderr ? options.onStderr(text) : (stderr += text))
        let settled = false
        const finish = () => {
          if (settled) return
          settled = true
          unlisten()
          options.signal?.removeEventListener('abort', onAbort)
          const outRest = outDecoder.end()
          const errRest = errDecoder.end()
          if (outRest) onOut(outRest)
          if (errRest) onErr(errRest)
          resolve({code, signal: exitSignal, stdout, stderr, lost: !exited})
        }
        const unlisten = this.onClose(finish)
        const onAbort = () => channel.close()
        options.signal?.addEventListener('abort', onAbort, {once: true})
        channel.on('data', (chunk: Buffer) => onOut(outDecoder.write(chunk)))
        channel.stderr.on('data', (chunk: Buffer) => onErr(errDecoder.write(chunk)))
        channel.on('exit', (exitCode: number | null, signalName?: string) => {
          exited = true
          if (typeof exitCode === 'number') code = exitCode
          else if (signalName) exitSignal = signalName.startsWith('SIG') ? signalName : `SIG${signalName}`
        })
        channel.on('close', finish)
        if (options.stdin !== undefined) channel.end(options.stdin)
        else channel.end()
      })
    })
  }

  /** Run a command and fail with its stderr unless it exits 0. */
  async run(command: string, what: string): Promise<string> {
    const result = await this.exec(command)
    if (result.lost) throw new ConnectionLostError(`${what}: the SSH connection was lost`)
    if (result.code !== 0)
      throw new OperationError(
        `${what} failed on ${this.target.alias} (exit ${result.code ?? result.signal}): ${firstLine(result.stderr)}`,
      )
    return result.stdout
  }

  /**
   * Run a command as root through `sudo -S`: the password is written to the channel's stdin, never put on
   * a command line. `-k` makes sudo read it even with cached credentials, and the command's own stdin is
   * /dev/null so a password sudo did not need can never reach it.
   */
  async sudo(command: string, options: Omit<ExecOptions, 'stdin'> = {}): Promise<ExecResult> {
    if (this.password === undefined) throw new UsageError('sudo needs the sysadmin password')
    const wrapped = `sudo -S -k -p '' -- sh -c ${shellQuote(`exec ${command} </dev/null`)}`
    const result = await this.exec(wrapped, {...options, stdin: `${this.password}\n`})
    if (/incorrect password|Sorry, try again/i.test(result.stderr))
      throw new AuthenticationError(`sudo on ${this.target.alias} refused the sysadmin password`)
    return result
  }

  /** The remote user's home directory as the SFTP server sees it. */
  async homeDirectory(): Promise<string> {
    return this.withSftp(
      (sftp) => new Promise((resolve, reject) => sftp.realpath('.', (e, p) => (e ? reject(e) : resolve(p)))),
    )
  }

  /**
   * Write a file by SFTP, as a new file: what is there (a leftover, or a symlink planted to make dcm write the
   * password elsewhere) is unlinked, never followed, and the file is created exclusively (O_EXCL does not follow
   * a link either). The mode is also set on the open handle before any byte is written.
   */
  async upload(remotePath: string, content: string | Buffer, mode = 0o600): Promise<void> {
    const data = typeof content === 'string' ? Buffer.from(content, 'utf8') : content
    await this.remove(remotePath)
    await this.withSftp(async (sftp) => {
      const handle = await new Promise<Buffer>((resolve, reject) =>
        sftp.open(remotePath, 'wx', {mode}, (e, h) => (e ? reject(e) : resolve(h))),
      )
      try {
        await new Promise<void>((resolve, reject) => sftp.fchmod(handle, mode, (e) => (e ? reject(e) : resolve())))
        let offset = 0
        while (offset < data.length) {
          const length = Math.min(32 * 1024, data.length - offset)
          await new Promise<void>((resolve, reject) =>
            sftp.write(handle, data, offset, length, offset, (e) => (e ? reject(e) : resolve())),
          )
          offset += length
        }
      } finally {
        await new Promise<void>((resolve) => sftp.close(handle, () => resolve()))
      }
    }, `upload of ${remotePath}`)
  }

  /** Remove a remote file; a file that is already gone is fine. */
  async remove(remotePath: string): Promise<void> {
    await this.withSftp(
      (sftp) =>
        new Promise<void>((resolve, reject) =>
          sftp.unlink(remotePath, (e) => (e && (e as {code?: number}).code !== 2 ? reject(e) : resolve())),
        ),
      `removal of ${remotePath}`,
    )
  }

  /**
   * Run SFTP work on the connection's one SFTP session, opened on first use and kept until close(): a bootstrap
   * asks for the home directory, uploads and removes files, and each used to open (and negotiate) its own
   * subsystem channel. A session that fails or closes is dropped, and the next call opens a new one.
   */
  private async withSftp<T>(work: (sftp: SFTPWrapper) => Promise<T>, what = 'SFTP'): Promise<T> {
    if (this.closedReason) throw new ConnectionLostError(this.closedReason)
    let sftp: SFTPWrapper
    try {
      sftp = await this.sftpSession()
    } catch (error) {
      throw new OperationError(`${what}: cannot start SFTP: ${(error as Error).message}`)
    }
    try {
      return await work(sftp)
    } catch (error) {
      if (error instanceof OperationError || error instanceof UsageError) throw error
      throw new OperationError(`${what} on ${this.target.alias} failed: ${(error as Error).message}`)
    }
  }

  private sftpSession(): Promise<SFTPWrapper> {
    if (!this.sftp) {
      const opening = new Promise<SFTPWrapper>((resolve, reject) =>
        this.client.sftp((error, sftp) => {
          if (error) return reject(error)
          const drop = () => {
            if (this.sftp === opening) this.sftp = undefined
          }
          sftp.on('close', drop)
          sftp.on('error', drop)
          resolve(sftp)
        }),
      )
      this.sftp = opening
      opening.catch(() => {
        if (this.sftp === opening) this.sftp = undefined
      })
    }
    return this.sftp
  }

  close(): void {
    this.closedReason ??= 'closed'
    void this.sftp?.then((sftp) => sftp.end()).catch(() => undefined)
    this.sftp = undefined
    for (const client of [...this.clients].reverse()) client.end()
  }

  /** Drop the TCP connection without a goodbye (tests of lost connections use it through the engine). */
  destroy(): void {
    for (const client of [...this.clients].reverse()) client.destroy()
  }
}

function firstLine(text: string): string {
  return text.trim().split('\n')[0] || 'no error output'
}
