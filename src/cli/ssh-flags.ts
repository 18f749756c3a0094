import {Flags, type Interfaces} from '@oclif/core'
import {durationFlag} from './duration-flags.js'

import {HOST_KEY_POLICIES, type HostKeyPolicy, type SshTargetOptions} from '../core/ssh/types.js'

/**
 * SSH flags shared by every command that reaches a host over SSH (`subcloud bootstrap`, `subcloud add`'s
 * pre-flight, `config-management --host`). Defaults that the OpenSSH client config may override (user, port)
 * are applied after the config, so the flags carry no oclif default for them.
 */
export const sshFlags = {
  'ssh-user': Flags.string({
    description: 'SSH user on the target (default: User from the SSH client config, else sysadmin)',
    helpGroup: 'SSH',
  }),
  'ssh-port': Flags.integer({
    description: 'SSH port (default: Port from the SSH client config, else 22)',
    min: 1,
    max: 65535,
    helpGroup: 'SSH',
  }),
  'identity-file': Flags.string({
    description: 'private key for public-key authentication (repeatable; tried before the password)',
    multiple: true,
    helpGroup: 'SSH',
  }),
  'ssh-config': Flags.string({
    description:
      'OpenSSH client config to honour (Host, HostName, Port, User, IdentityFile, ProxyJump) [default: ~/.ssh/config]',
    env: 'DCM_SSH_CONFIG',
    helpGroup: 'SSH',
  }),
  'known-hosts': Flags.string({
    description: 'known_hosts file used to check host keys [default: ~/.ssh/known_hosts]',
    env: 'DCM_KNOWN_HOSTS',
    helpGroup: 'SSH',
  }),
  'ssh-host-key-policy': Flags.string({
    description:
      'unknown host keys: strict refuses them, accept-new records them, off accepts them without recording; a key that differs from the known_hosts one is always refused',
    options: [...HOST_KEY_POLICIES],
    default: 'accept-new',
    helpGroup: 'SSH',
  }),
  'ssh-connect-timeout': durationFlag({
    description: 'seconds to connect, exchange keys and authenticate',
    default: 20,
    min: 1,
    helpGroup: 'SSH',
  }),
}

/** Parsed values of `sshFlags`. */
export type SshFlagValues = Partial<Interfaces.InferredFlags<typeof sshFlags>>

/** The SSH target for `host` (an address or a config alias) from the parsed flags. */
export function sshTargetFrom(flags: SshFlagValues, host: string, onDebug?: (line: string) => void): SshTargetOptions {
  return {
    host,
    port: flags['ssh-port'],
    user: flags['ssh-user'],
    identityFiles: flags['identity-file'],
    configFile: flags['ssh-config'],
    knownHostsFile: flags['known-hosts'],
    hostKeyPolicy: (flags['ssh-host-key-policy'] as HostKeyPolicy | undefined) ?? 'accept-new',
    connectTimeoutMs: (flags['ssh-connect-timeout'] ?? 20) * 1000,
    onDebug,
  }
}
