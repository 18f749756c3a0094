/** What the caller knows about an SSH target before the OpenSSH client config is applied. */
export type HostKeyPolicy = 'strict' | 'accept-new' | 'off'
export const HOST_KEY_POLICIES: readonly HostKeyPolicy[] = ['strict', 'accept-new', 'off']

export interface SshTargetOptions {
  /** The address or alias the operator typed (e.g. the bootstrap address); looked up in the client config. */
  host: string
  /** Explicit values win over the client config (like `ssh -p` / `ssh -l` / `ssh -i`). */
  port?: number
  user?: string
  identityFiles?: string[]
  /**
   * ssh-agent socket tried after the identity files and the password (every hop, jump hosts included);
   * default $SSH_AUTH_SOCK.
   * null: no agent.
   */
  agentSocket?: string | null
  /** Password for password authentication (and for `sudo -S`); never put on a command line. */
  password?: string
  /**
   * OpenSSH client config to honour. undefined: $DCM_SSH_CONFIG, else ~/.ssh/config when present.
   * null: no config file at all.
   */
  configFile?: string | null
  /** known_hosts file; undefined: $DCM_KNOWN_HOSTS, else ~/.ssh/known_hosts. */
  knownHostsFile?: string
  /** Default accept-new: unknown keys are recorded, a changed key is always refused. */
  hostKeyPolicy?: HostKeyPolicy
  /** TCP connect + SSH handshake + authentication budget per hop; default 20 s. */
  connectTimeoutMs?: number
  /** SSH keepalive interval; default 15 s, the connection is declared lost after 4 unanswered ones. */
  keepaliveIntervalMs?: number
  keepaliveCountMax?: number
  /** Debug lines (never carry secrets: the password is not part of any of them). */
  onDebug?: (line: string) => void
}

/** One hop after the client config was applied: what ssh2 is actually asked to connect to. */
export interface ResolvedHop {
  /** The name as typed (config `Host` matching uses it). */
  alias: string
  hostname: string
  port: number
  user: string
  identityFiles: string[]
  /** The name looked up in known_hosts (OpenSSH's HostKeyAlias, else HostName). */
  hostKeyAlias?: string
}

export interface ResolvedTarget extends ResolvedHop {
  /** Jump hosts in the order they are traversed (ProxyJump), each already resolved through the config. */
  jumps: ResolvedHop[]
  /** Which config file was applied, if any. */
  configFile?: string
}

export interface ExecOptions {
  /** Written to the remote command's stdin, then stdin is closed (used for `sudo -S`). */
  stdin?: string
  onStdout?: (chunk: string) => void
  onStderr?: (chunk: string) => void
  /** Closing the channel on abort does not kill the remote process: callers that must stop it kill it themselves. */
  signal?: AbortSignal
}

export interface ExecResult {
  /** Exit status; null when the remote process died by a signal or the channel closed without one. */
  code: number | null
  /** Signal name (e.g. 'SIGTERM') when the remote process was killed. */
  signal?: string
  stdout: string
  stderr: string
  /** True when the channel (or the whole connection) closed before an exit status arrived. */
  lost: boolean
}
