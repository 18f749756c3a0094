import type {PreflightCheck} from '../bootstrap/preflight.js'
import type {LiveRegion} from './live-region.js'

/**
 * One pre-flight verdict as printed by the commands: `[PASS] SSH reachable: sysadmin@10.10.10.12`. With
 * `brief`, a failure is its title alone: the command's `Error:`/`Hint:` lines that follow say what failed and
 * what to do, once.
 */
export function formatPreflightCheck(check: PreflightCheck, label?: string, brief = false): string {
  const tag = {pass: 'PASS', warn: 'WARN', fail: 'FAIL', skip: 'SKIP'}[check.verdict]
  const prefix = label ? `${label}: ` : ''
  if (brief && check.verdict === 'fail') return `${prefix}pre-flight [${tag}] ${check.title}`
  const hint =
    check.hint && check.verdict !== 'pass' && check.verdict !== 'skip' ? `\n${' '.repeat(7)}Hint: ${check.hint}` : ''
  return `${prefix}pre-flight [${tag}] ${check.title}: ${check.detail}${hint}`
}

/** Print a verdict through the command's progress reporter; failures and warnings even when quiet. */
export function reportPreflightCheck(region: LiveRegion, check: PreflightCheck, label?: string, brief = false): void {
  region.line(formatPreflightCheck(check, label, brief), {always: check.verdict === 'fail' || check.verdict === 'warn'})
}
