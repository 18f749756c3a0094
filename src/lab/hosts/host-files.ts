import path from 'node:path'

/**
 * Where a lab data dir keeps what SSH clients need to reach its simulated subcloud hosts (written by the
 * host registry), and the environment that points dcm at them. A module of its own so that `dcm lab env`
 * does not load the SSH server to print two paths.
 */
export const SSH_CONFIG_FILE = 'ssh_config'
export const KNOWN_HOSTS_FILE = 'known_hosts'

export function labSshEnvironment(dataDir: string): {DCM_SSH_CONFIG: string; DCM_KNOWN_HOSTS: string} {
  return {
    DCM_SSH_CONFIG: path.join(dataDir, SSH_CONFIG_FILE),
    DCM_KNOWN_HOSTS: path.join(dataDir, KNOWN_HOSTS_FILE),
  }
}

/** The ssh_config keyword dcm refuses a host by (see core/ssh/ssh-config.ts REFUSE_KEYWORD). */
export const LAB_BOUNDARY_KEYWORD = 'DcmRefuse'
