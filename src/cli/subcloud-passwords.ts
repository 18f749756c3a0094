import {Flags, type Interfaces} from '@oclif/core'

import {UsageError} from '../core/errors.js'
import {resolveSecret, type SecretSource} from './prompts.js'

/**
 * The password flags, one set for every command that takes a subcloud password: `--sysadmin-password`,
 * `--sysadmin-password-stdin` and, where the command sends one, `--bmc-password`. Each command says in its
 * help what the password is for; the names, types and the order the value is looked for (below) are shared.
 */
export function passwordFlags(help: {sysadmin: string}): ReturnType<typeof sysadminFlags>
export function passwordFlags(help: {
  sysadmin: string
  bmc: string
}): ReturnType<typeof sysadminFlags> & ReturnType<typeof bmcPasswordFlag>
export function passwordFlags(help: {sysadmin: string; bmc?: string}) {
  return help.bmc === undefined
    ? sysadminFlags(help.sysadmin)
    : {...sysadminFlags(help.sysadmin), ...bmcPasswordFlag(help.bmc)}
}

function sysadminFlags(description: string) {
  return {
    'sysadmin-password': Flags.string({description}),
    'sysadmin-password-stdin': Flags.boolean({description: 'read the sysadmin password from standard input'}),
  }
}

/** `--bmc-password` (and its stdin form), for a command whose usage line lists it after other flags. */
export function bmcPasswordFlag(description: string) {
  return {
    'bmc-password': Flags.string({description}),
    'bmc-password-stdin': Flags.boolean({description: 'read the BMC password from standard input'}),
  }
}

/**
 * The subcloud passwords commands take, found the same way by each: the flag, then (sysadmin only) stdin,
 * then DCM_SYSADMIN_PASSWORD / DCM_BMC_PASSWORD, then a hidden prompt (asked twice unless told otherwise).
 */
export function resolveSysadminPassword(
  flags: Partial<Interfaces.InferredFlags<ReturnType<typeof sysadminFlags>>> & {'bmc-password-stdin'?: boolean},
  ask: Pick<SecretSource, 'prompt' | 'confirm'> = {prompt: 'Enter the sysadmin password for the subcloud:'},
): Promise<string> {
  refuseTwoStdinSecrets(flags)
  return resolveSecret({
    label: 'sysadmin password',
    flagName: '--sysadmin-password',
    flagValue: flags['sysadmin-password'],
    stdinFlagName: '--sysadmin-password-stdin',
    fromStdin: flags['sysadmin-password-stdin'],
    envName: 'DCM_SYSADMIN_PASSWORD',
    ...ask,
  })
}

export function resolveBmcPassword(
  flags: Partial<Interfaces.InferredFlags<ReturnType<typeof bmcPasswordFlag>>> & {'sysadmin-password-stdin'?: boolean},
): Promise<string> {
  refuseTwoStdinSecrets(flags)
  return resolveSecret({
    label: 'BMC password',
    flagName: '--bmc-password',
    flagValue: flags['bmc-password'],
    stdinFlagName: '--bmc-password-stdin',
    fromStdin: flags['bmc-password-stdin'],
    envName: 'DCM_BMC_PASSWORD',
    prompt: 'Enter the bmc password for the subcloud:',
  })
}

/** Standard input holds one secret: the two stdin flags together would hand both the same text. */
function refuseTwoStdinSecrets(flags: {'sysadmin-password-stdin'?: boolean; 'bmc-password-stdin'?: boolean}): void {
  if (flags['bmc-password-stdin'] && flags['sysadmin-password-stdin'])
    throw new UsageError('--sysadmin-password-stdin and --bmc-password-stdin cannot both read standard input', {
      hint: 'pass the other password with its DCM_*_PASSWORD variable or at the prompt',
    })
}
