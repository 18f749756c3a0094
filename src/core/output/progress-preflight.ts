import type {PreflightCheck} from '../bootstrap/preflight.js'

/** One pre-flight verdict as printed by the commands: `[PASS] SSH reachable: sysadmin@10.10.10.12`. */
export function formatPreflightCheck(check: PreflightCheck, label?: string): string {
  const tag = {pass: 'PASS', warn: 'WARN', fail: 'FAIL', skip: 'SKIP'}[check.verdict]
  const prefix = label ? `${label}: ` : ''
  const hint =
    check.hint && check.verdict !== 'pass' && check.verdict !== 'skip' ? `\n${' '.repeat(7)}Hint: ${check.hint}` : ''
  return `${prefix}pre-flight [${tag}] ${check.title}: ${check.detail}${hint}`
}
