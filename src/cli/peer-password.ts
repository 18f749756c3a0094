import {Flags} from '@oclif/core'

import {resolveSecret} from './prompts.js'

/**
 * The password of the peer site's manager user (`system-peer add|update`, `system-peer show --health`), found as
 * every dcm secret is: `--manager-password`, `--manager-password-stdin`, DCM_PEER_MANAGER_PASSWORD, then a hidden
 * prompt on a terminal in upstream's words (`Enter the <username> password for the system peer:`).
 */
export function managerPasswordFlags(description: string) {
  return {
    'manager-password': Flags.string({description: `${description} [env: DCM_PEER_MANAGER_PASSWORD]`}),
    'manager-password-stdin': Flags.boolean({description: 'read the manager password from standard input'}),
  }
}

export function resolveManagerPassword(
  flags: {'manager-password'?: string; 'manager-password-stdin'?: boolean},
  promptType: string,
): Promise<string> {
  return resolveSecret({
    label: 'manager password',
    flagName: '--manager-password',
    flagValue: flags['manager-password'],
    stdinFlagName: '--manager-password-stdin',
    fromStdin: flags['manager-password-stdin'],
    envName: 'DCM_PEER_MANAGER_PASSWORD',
    prompt: `Enter the ${promptType} password for the system peer:`,
  })
}
