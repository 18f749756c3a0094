import {AuthenticationError} from '../ssh/connection.js'

/** What to check when controller-0 refuses the sysadmin login (pre-flight, bootstrap): the password given. */
export const SYSADMIN_PASSWORD_HINT =
  'check the sysadmin password (--sysadmin-password-stdin, DCM_SYSADMIN_PASSWORD or the prompt; with the lab, the one `dcm lab env` exports)'

/** A refused sysadmin login keeps its message and exit code (3) and gets the sysadmin hint; anything else passes. */
export function asSysadminLoginError(error: unknown): unknown {
  return error instanceof AuthenticationError
    ? new AuthenticationError(error.message, {hint: SYSADMIN_PASSWORD_HINT, cause: error})
    : error
}
