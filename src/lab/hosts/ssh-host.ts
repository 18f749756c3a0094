import type {AddressInfo} from 'node:net'

import type {Connection, Server, ServerChannel} from 'ssh2'

import {loadSsh2} from '../../core/ssh/ssh2-module.js'
import {type HostMachine, SYSADMIN} from './ssh-host-machine.js'
import {runLoginShell} from './ssh-host-login.js'
import {serveSftp} from './ssh-host-sftp.js'
import {BrokenPipe, type Input, KilledBySignal, type Output, Shell} from './ssh-host-shell.js'

/**
 * A simulated StarlingX controller-0 served over SSH on loopback with ssh2's Server: password
 * authentication for sysadmin, exec channels run by the host's command interpreter, the SFTP subsystem,
 * and `signal` requests delivered to the command's process group. One server (one port) per host, so an
 * OpenSSH client config can map each bootstrap address to its own port.
 */
export interface SshHostOptions {
  machine: HostMachine
  /** PEM private key of the host (generated once per host and kept in the lab's data dir). */
  hostKey: string
  /** 0 (default) picks an ephemeral port; a previous port is tried first after a lab restart. */
  port?: number
  /** One line per connection event, for the lab's log; never carries a password. */
  onLog?: (line: string) => void
}

export class SshHost {
  private constructor(
    private readonly server: Server,
    private readonly connections: Set<Connection>,
    readonly machine: HostMachine,
    readonly port: number,
  ) {}

  static async start(options: SshHostOptions): Promise<SshHost> {
    const {Server} = await loadSsh2()
    const log = options.onLog ?? (() => undefined)
    const connections = new Set<Connection>()
    const server = new Server({hostKeys: [options.hostKey]}, (client, info) => {
      connections.add(client)
      // Small request/response packets (channel opens, SFTP calls): Nagle would add a delay to each.
      ;(client as Connection & {setNoDelay(noDelay: boolean): void}).setNoDelay(true)
      client.on('close', () => connections.delete(client))
      client.on('error', (error) =>
        log(`ssh connection from ${info.ip} to ${options.machine.hostname}: ${error.message}`),
      )
      handleClient(client, options.machine, log)
    })
    const port = await listen(server, options.port ?? 0).catch((error: NodeJS.ErrnoException) => {
      // The previous port is taken by now: any free one will do, the ssh config is rewritten anyway.
      if (options.port && error.code === 'EADDRINUSE') return listen(server, 0)
      throw error
    })
    return new SshHost(server, connections, options.machine, port)
  }

  /** Stop listening, drop every connection and kill what the host is running. */
  async close(): Promise<void> {
    this.machine.killAll()
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()))
    for (const connection of this.connections) connection.end()
    await closed
  }
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: Error) => reject(error)
    server.once('error', onError)
    server.listen(port, '127.0.0.1', () => {
      server.off('error', onError)
      resolve((server.address() as AddressInfo).port)
    })
  })
}

function handleClient(client: Connection, machine: HostMachine, log: (line: string) => void): void {
  client.on('authentication', (context) => {
    if (context.method === 'password' && context.username === SYSADMIN && machine.checkPassword(context.password)) {
      return context.accept()
    }
    if (context.method === 'password') log(`Failed password for ${context.username} on ${machine.hostname}`)
    context.reject(['password'])
  })
  client.on('ready', () => {
    client.on('session', (acceptSession) => {
      const session = acceptSession()
      const env: Record<string, string> = {}
      session.on('env', (accept, _reject, info) => {
        env[info.key] = info.val
        accept?.()
      })
      let pty = false
      session.on('pty', (accept) => {
        pty = true
        accept?.()
      })
      session.on('window-change', (accept) => accept?.())
      session.on('sftp', (accept) => {
        const sftp = accept()
        sftp.on('error', (error: Error) => log(`sftp on ${machine.hostname}: ${error.message}`))
        serveSftp(sftp, machine)
      })
      session.on('exec', (accept, _reject, info) => {
        const channel = accept()
        // The session's shell; its argv shows as `-bash` (a command it runs shows under its own process, so
        // `pgrep -f X` run over SSH does not find the very shell that runs it).
        const process = machine.spawn(['-bash'])
        session.on('signal', (acceptSignal, _rejectSignal, signal) => {
          acceptSignal?.()
          // Like a Ctrl-C on a terminal: the command's whole foreground process group gets it.
          machine.kill(-process.pgid, signal.name)
        })
        runExec(channel, machine, process, info.command, env)
      })
      session.on('shell', (accept) => runLoginShell(accept(), machine, env, pty))
    })
  })
}

function runExec(
  channel: ServerChannel,
  machine: HostMachine,
  process: ReturnType<HostMachine['spawn']>,
  command: string,
  env: Record<string, string>,
): void {
  let closed = false
  channel.on('close', () => (closed = true))
  // A client that vanishes mid-write must not take the lab process down with an unhandled 'error'.
  channel.on('error', () => (closed = true))
  const sink = (write: (chunk: string | Buffer) => void): Output => ({
    write(chunk) {
      if (closed) throw new BrokenPipe()
      write(chunk)
    },
  })
  const shell = new Shell({machine, process, env})
  const io = {
    stdin: channelInput(channel),
    stdout: sink((c) => channel.write(c)),
    stderr: sink((c) => channel.stderr.write(c)),
  }
  shell
    .runScript(command, io)
    .then(
      (status) => {
        if (!closed) channel.exit(status)
      },
      (error) => {
        if (closed) return
        if (error instanceof KilledBySignal) channel.exit(error.signalName, false, '')
        else {
          channel.stderr.write(`bash: ${error instanceof Error ? error.message : String(error)}\n`)
          channel.exit(1)
        }
      },
    )
    .finally(() => {
      machine.exit(process)
      if (!closed) channel.end()
    })
}

/** The exec channel's stdin as lines (for `sudo -S`) or as a whole (for `cat`). */
function channelInput(channel: ServerChannel): Input {
  const chunks: Buffer[] = []
  let ended = false
  let waiters: Array<() => void> = []
  const wake = () => {
    const current = waiters
    waiters = []
    for (const waiter of current) waiter()
  }
  channel.on('data', (chunk: Buffer) => {
    chunks.push(chunk)
    wake()
  })
  channel.on('end', () => {
    ended = true
    wake()
  })
  channel.on('close', () => {
    ended = true
    wake()
  })
  const buffered = () => Buffer.concat(chunks)
  const waitForMore = () => new Promise<void>((resolve) => waiters.push(resolve))
  return {
    async readLine() {
      for (;;) {
        const data = buffered()
        const newline = data.indexOf(0x0a)
        if (newline >= 0) {
          chunks.splice(0, chunks.length, data.subarray(newline + 1))
          return data.subarray(0, newline).toString().replace(/\r$/, '')
        }
        if (ended) {
          chunks.length = 0
          return data.length ? data.toString() : null
        }
        await waitForMore()
      }
    },
    async readAll() {
      while (!ended) await waitForMore()
      const data = buffered()
      chunks.length = 0
      return data
    },
  }
}
