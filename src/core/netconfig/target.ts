import {UsageError} from '../errors.js'
import {type Executor, LocalExecutor, NetnsExecutor} from './executor.js'

/**
 * Where config-management runs: this host (the upstream case, on the subcloud's console), a remote
 * controller over SSH (`--host`), and optionally inside a network namespace of either (`--netns`, which
 * the tests use so that dcm never touches the real host's interfaces).
 */
export interface TargetOptions {
  host?: string
  sshPort?: number
  sshUser?: string
  identityFiles?: string[]
  netns?: string
  onDebug?: (line: string) => void
}

/**
 * config-management takes no password: it logs in as root with a key. The lab's simulated hosts (dcm lab host)
 * take only sysadmin's password and run no `ip`: the lab path is a network namespace (--netns), not --host.
 */
const REMOTE_LOGIN_HINT =
  'config-management --host logs in as root with a key (--identity-file, or your SSH agent and config); ' +
  'for a lab, run it in a network namespace with --netns (dcm lab host serves bootstraps, not config-management)'

export async function openTarget(options: TargetOptions): Promise<Executor> {
  let executor: Executor = new LocalExecutor()
  if (options.host) {
    // Lazily: ssh2 is only loaded when a remote controller is asked for.
    const [{connectSsh, AuthenticationError}, {SshExecutor}] = await Promise.all([
      import('../ssh/index.js'),
      import('./ssh-executor.js'),
    ])
    const session = await connectSsh({
      host: options.host,
      port: options.sshPort,
      user: options.sshUser ?? 'root',
      identityFiles: options.identityFiles,
      onDebug: options.onDebug,
    }).catch((error: unknown) => {
      throw error instanceof AuthenticationError
        ? new AuthenticationError(error.message, {hint: REMOTE_LOGIN_HINT, cause: error})
        : error
    })
    executor = new SshExecutor(session)
  }
  return options.netns ? new NetnsExecutor(executor, options.netns) : executor
}

/**
 * Upstream refused to run without root (`must be run with root privileges`); dcm says so before it reads or
 * changes anything, with exit 2. Remote: the SSH user's uid.
 */
export async function requireRoot(executor: Executor, remote: boolean): Promise<void> {
  const uid = remote ? Number((await executor.run(['id', '-u'])).stdout.trim()) : process.geteuid?.()
  if (uid !== 0)
    throw new UsageError(`config-management must be run with root privileges (on ${executor.where})`, {
      hint: remote ? 'connect as root (--ssh-user root)' : 'run it as root, e.g. sudo dcm config-management',
    })
}

/**
 * The address of this host that carries the operator's SSH session: SSH_CONNECTION is
 * "client-ip client-port server-ip server-port". The interface holding it is never brought down.
 */
export async function sessionAddress(executor: Executor, remote: boolean): Promise<string | undefined> {
  const text = remote ? (await executor.run(['printenv', 'SSH_CONNECTION'])).stdout : process.env.SSH_CONNECTION
  return text?.trim().split(/\s+/)[2] || undefined
}
