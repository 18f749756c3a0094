import {resolveSecret, type SecretSource} from './prompts.js'

/**
 * The subcloud passwords commands take, found the same way by each: the flag, then (sysadmin only) stdin,
 * then DCM_SYSADMIN_PASSWORD / DCM_BMC_PASSWORD, then a hidden prompt (asked twice unless told otherwise).
 */
export function resolveSysadminPassword(
  flags: {'sysadmin-password'?: string; 'sysadmin-password-stdin'?: boolean},
  ask: Pick<SecretSource, 'prompt' | 'confirm'> = {prompt: 'Enter the sysadmin password for the subcloud:'},
): Promise<string> {
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

export function resolveBmcPassword(flags: {'bmc-password'?: string}): Promise<string> {
  return resolveSecret({
    label: 'BMC password',
    flagName: '--bmc-password',
    flagValue: flags['bmc-password'],
    envName: 'DCM_BMC_PASSWORD',
    prompt: 'Enter the bmc password for the subcloud:',
  })
}
