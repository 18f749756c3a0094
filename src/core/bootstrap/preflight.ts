import {DcmError, OperationError} from '../errors.js'
import {contains, parseAddress, parseSubnet} from '../net/cidr.js'
import {registerSecret} from '../secrets.js'
import {AuthenticationError, connectSsh, type SshSession} from '../ssh/connection.js'
import {shellQuote} from '../ssh/shell-quote.js'
import type {SshTargetOptions} from '../ssh/types.js'
import {SYSADMIN_PASSWORD_HINT} from './sysadmin-login.js'

/**
 * Pre-flight checks before a bootstrap (issue 4 §3), run by `dcm subcloud bootstrap` and `dcm subcloud add`.
 * Each check ends with a verdict; the first `fail` stops the remaining checks (they are reported as `skip`)
 * and carries a hint; `warn` never stops.
 */
export type Verdict = 'pass' | 'warn' | 'fail' | 'skip'

export interface PreflightCheck {
  id: 'ssh-reachable' | 'password' | 'oam-subnet' | 'release' | 'not-bootstrapped'
  title: string
  verdict: Verdict
  detail: string
  hint?: string
}

export interface PreflightReport {
  ok: boolean
  checks: PreflightCheck[]
  /** The check that stopped the run, when one failed. */
  failed?: PreflightCheck
  /** The typed error behind the failure (exit code: 3 unreachable, 1 otherwise). */
  error?: DcmError
}

/** Files whose presence tells the state of controller-0 (local-bootstrap.md §4 "Replays"). */
export interface BootstrapMarkers {
  /** Present once the bootstrap is final: the playbook refuses to run again. `{release}` = SW_VERSION. */
  finalized: string[]
  /** Present after a successful bootstrap: a new run is a replay (allowed until unlock). */
  completed: string[]
  buildInfo: string
}

export const STARLINGX_MARKERS: BootstrapMarkers = {
  finalized: ['/etc/platform/.initial_config_complete', '/opt/platform/config/{release}/.bootstrap_finalized'],
  completed: ['/etc/platform/.bootstrap_completed'],
  buildInfo: '/etc/build.info',
}

export interface PreflightOptions {
  target: SshTargetOptions
  password: string
  /** The bootstrap address as the operator gave it (what the SSH target resolves from). */
  bootstrapAddress: string
  /** The override file's values (for `external_oam_subnet`). */
  overrides: Record<string, unknown>
  /** `--release`: the installed SW_VERSION must match it. */
  release?: string
  markers?: BootstrapMarkers
  /** Each verdict as soon as it is known (live output). */
  onCheck?: (check: PreflightCheck) => void
}

const TITLES: Record<PreflightCheck['id'], string> = {
  'ssh-reachable': 'SSH reachable',
  password: 'sysadmin password accepted',
  'oam-subnet': 'bootstrap address in the OAM subnet',
  release: 'installed release',
  'not-bootstrapped': 'not already bootstrapped',
}
const ORDER = Object.keys(TITLES) as PreflightCheck['id'][]

export async function runPreflight(options: PreflightOptions): Promise<PreflightReport> {
  registerSecret(options.password)
  const markers = options.markers ?? STARLINGX_MARKERS
  const checks: PreflightCheck[] = []
  const record = (id: PreflightCheck['id'], verdict: Verdict, detail: string, hint?: string) => {
    const check: PreflightCheck = {id, title: TITLES[id], verdict, detail, ...(hint ? {hint} : {})}
    checks.push(check)
    options.onCheck?.(check)
    return check
  }
  const stop = (check: PreflightCheck, error: DcmError): PreflightReport => {
    for (const id of ORDER.slice(checks.length)) record(id, 'skip', `not checked: "${check.title}" failed`)
    return {ok: false, checks, failed: check, error}
  }

  let session: SshSession
  try {
    session = await connectSsh({...options.target, password: options.password})
  } catch (error) {
    const dcmError = error instanceof DcmError ? error : new OperationError((error as Error).message)
    if (error instanceof AuthenticationError) {
      record('ssh-reachable', 'pass', `SSH server answered at ${options.bootstrapAddress}`)
      const refused = new AuthenticationError(dcmError.message, {hint: SYSADMIN_PASSWORD_HINT})
      return stop(record('password', 'fail', refused.message, refused.hint), refused)
    }
    return stop(record('ssh-reachable', 'fail', dcmError.message, dcmError.hint), dcmError)
  }
  try {
    const t = session.target
    record('ssh-reachable', 'pass', `${t.user}@${t.alias}${t.alias !== t.hostname ? ` (${t.hostname}:${t.port})` : ''}`)
    const password = await checkPassword(session)
    const passwordCheck = record('password', password.verdict, password.detail, password.hint)
    if (password.verdict === 'fail')
      return stop(passwordCheck, new AuthenticationError(password.detail, {hint: password.hint}))

    const oam = checkOamSubnet(options.bootstrapAddress, options.overrides.external_oam_subnet)
    record('oam-subnet', oam.verdict, oam.detail, oam.hint)

    const buildInfo = await session.exec(`cat ${shellQuote(markers.buildInfo)}`)
    const swVersion = /^SW_VERSION="?([^"\n]*)"?$/m.exec(buildInfo.stdout)?.[1]
    const release = checkRelease(swVersion, options.release, markers.buildInfo)
    const releaseCheck = record('release', release.verdict, release.detail, release.hint)
    if (release.verdict === 'fail') return stop(releaseCheck, new OperationError(release.detail, {hint: release.hint}))

    const finalized = markers.finalized
      .filter((pattern) => !pattern.includes('{release}') || swVersion)
      .map((pattern) => pattern.replace('{release}', swVersion ?? ''))
    // Every marker in one command (one exec channel, not one per file).
    const present = await existingFiles(session, [...finalized, ...markers.completed])
    for (const file of finalized) {
      if (present.has(file)) {
        const detail = `The bootstrap of host ${options.bootstrapAddress} has already been finalized. Please re-install before attempting to bootstrap it again.`
        const check = record('not-bootstrapped', 'fail', detail, `${file} exists: re-install controller-0 first`)
        return stop(check, new OperationError(detail, {hint: check.hint}))
      }
    }
    const completed = []
    for (const file of markers.completed) if (present.has(file)) completed.push(file)
    if (completed.length)
      record('not-bootstrapped', 'warn', `bootstrapped before (${completed.join(', ')}): this run is a replay`)
    else record('not-bootstrapped', 'pass', 'no bootstrap marker found')
    return {ok: true, checks}
  } catch (error) {
    const dcmError = error instanceof DcmError ? error : new OperationError((error as Error).message)
    const id = ORDER[checks.length] ?? 'not-bootstrapped'
    return stop(record(id, 'fail', dcmError.message, dcmError.hint), dcmError)
  } finally {
    session.close()
  }
}

interface Outcome {
  verdict: Verdict
  detail: string
  hint?: string
}

/** SSH login proved the password (or a key did); `sudo -S -k -v` proves it is the one the playbook's become needs. */
async function checkPassword(session: SshSession): Promise<Outcome> {
  try {
    const result = await session.sudo('true')
    if (result.code === 0) return {verdict: 'pass', detail: 'login and sudo accepted it'}
    if (result.code === 127 || /command not found|No such file/.test(result.stderr))
      return {verdict: 'warn', detail: 'logged in; sudo is not available on the host, become password not checked'}
    return {
      verdict: 'fail',
      detail: `sudo failed (exit ${result.code ?? result.signal}): ${result.stderr.trim().split('\n')[0] ?? ''}`,
      hint: 'the sysadmin user must be allowed to run sudo',
    }
  } catch (error) {
    if (error instanceof AuthenticationError)
      return {verdict: 'fail', detail: error.message, hint: SYSADMIN_PASSWORD_HINT}
    throw error
  }
}

/** SEM-BA-1 (bootstrap-overrides.md §9), a warning only. */
export function checkOamSubnet(address: string, subnetValue: unknown): Outcome {
  if (typeof subnetValue !== 'string') return {verdict: 'skip', detail: 'external_oam_subnet is not set in the file'}
  // Dual-stack files list the primary subnet first (`a,b`).
  const primary = subnetValue.split(',')[0].trim()
  const subnet = parseSubnet(primary)
  const parsed = parseAddress(address)
  if (!subnet || !parsed) return {verdict: 'skip', detail: `cannot compare ${address} with ${primary}`}
  if (contains(subnet, parsed)) return {verdict: 'pass', detail: `${address} is in ${primary}`}
  return {
    verdict: 'warn',
    detail: `bootstrap-address ${address} is not in external_oam_subnet ${primary}`,
    hint: 'the playbook sets the default route via the OAM gateway on the interface carrying this address',
  }
}

export function checkRelease(installed: string | undefined, wanted: string | undefined, buildInfo: string): Outcome {
  if (!installed) {
    if (wanted)
      return {
        verdict: 'fail',
        detail: `cannot read SW_VERSION from ${buildInfo} to compare with --release ${wanted}`,
        hint: 'is this a freshly installed StarlingX controller-0?',
      }
    return {verdict: 'warn', detail: `no SW_VERSION in ${buildInfo}: not a StarlingX host?`}
  }
  if (wanted && installed !== wanted)
    return {
      verdict: 'fail',
      detail: `installed release ${installed} does not match --release ${wanted}`,
      hint: `re-install controller-0 with ${wanted}, or pass --release ${installed}`,
    }
  return {verdict: 'pass', detail: installed}
}

/** Which of these remote files exist (`test -e`), asked in one command. */
async function existingFiles(session: SshSession, files: string[]): Promise<Set<string>> {
  if (files.length === 0) return new Set()
  const script = files
    .map((file) => `if test -e ${shellQuote(file)}; then printf '%s\\n' ${shellQuote(file)}; fi`)
    .join('; ')
  const result = await session.exec(script)
  return new Set(result.stdout.split('\n').filter((line) => files.includes(line)))
}
