/** Small helpers over Finding lists: ordering, the one-line summary form, and turning errors into a UsageError. */
import {UsageError} from '../errors.js'
import {redact} from '../secrets.js'
import type {Finding} from './types.js'

/** The key of findings about the file as a whole (it could not be loaded). */
export const FILE_KEY = '(file)'

/** `file:line:col: message`, with `key: ` in front when the message does not already name the key. */
export function formatFinding(finding: Finding): string {
  const where = `${finding.file}:${finding.line}:${finding.column}`
  const keyless = finding.key === FILE_KEY || finding.message.includes(finding.key)
  const text = keyless ? finding.message : `${finding.key}: ${finding.message}`
  // Messages never quote secret values, but a registered secret must not leak through any other value either.
  return redact(`${where}: ${text}`)
}

export function hasErrors(findings: readonly Finding[]): boolean {
  return findings.some((finding) => finding.severity === 'error')
}

/** File order as given, then line, column; errors before warnings on the same spot. */
export function sortFindings(findings: readonly Finding[], fileOrder: readonly string[] = []): Finding[] {
  const rank = new Map(fileOrder.map((file, index) => [file, index]))
  return [...findings].sort(
    (a, b) =>
      (rank.get(a.file) ?? Number.MAX_SAFE_INTEGER) - (rank.get(b.file) ?? Number.MAX_SAFE_INTEGER) ||
      a.file.localeCompare(b.file) ||
      a.line - b.line ||
      a.column - b.column ||
      (a.severity === b.severity ? 0 : a.severity === 'error' ? -1 : 1),
  )
}

/**
 * The UsageError (exit 2) a command throws when a file has errors: the first error as the message, the count of the
 * others in the hint. Undefined when there is no error (warnings never stop anything).
 */
export function findingsError(findings: readonly Finding[]): UsageError | undefined {
  const errors = sortFindings(findings.filter((finding) => finding.severity === 'error'))
  if (errors.length === 0) return undefined
  const more = errors.length - 1
  return new UsageError(formatFinding(errors[0]), {
    hint:
      more > 0
        ? `${more} more error${more === 1 ? '' : 's'}: run 'dcm subcloud validate ${errors[0].file}' to list them all.`
        : undefined,
  })
}

/** The columns of a findings table (`dcm subcloud validate`, `dcm system-controller validate`). */
export const FINDING_COLUMNS = ['file', 'line', 'column', 'severity', 'rule', 'key', 'message'] as const

export function findingRow(finding: Finding): (string | number)[] {
  return [
    finding.file,
    finding.line,
    finding.column,
    finding.severity,
    finding.rule,
    finding.key,
    redact(finding.message),
  ]
}

/**
 * What a validate command reports when there are errors: every error as `file:line:col: message` (for stderr) and
 * the UsageError (exit 2) to throw. With one error the error itself is the message, so the output is one line.
 */
export function validationFailure(
  findings: readonly Finding[],
  fileCount: number,
): {lines: string[]; error: UsageError} | undefined {
  const errors = findings.filter((finding) => finding.severity === 'error')
  if (errors.length === 0) return undefined
  if (errors.length === 1) return {lines: [], error: new UsageError(formatFinding(errors[0]))}
  const files = new Set(errors.map((finding) => finding.file)).size
  return {
    lines: errors.map(formatFinding),
    error: new UsageError(
      `${errors.length} errors in ${files} of ${fileCount} file${fileCount === 1 ? '' : 's'}; nothing was sent`,
    ),
  }
}

/**
 * dcm refuses parameters it does not know by default: upstream passes them to Ansible as they are, so a typo
 * (`managment_subnet`) silently becomes a variable nobody reads. `--allow-unknown-keys` keeps upstream's
 * leniency, and then they stay warnings (SEM-KEYS-2). The lab, playing upstream, never calls this.
 */
export function refuseUnknownKeys(findings: readonly Finding[], allowUnknownKeys = false): Finding[] {
  if (allowUnknownKeys) return [...findings]
  return findings.map((finding) =>
    finding.rule === 'SEM-KEYS-2' && finding.severity === 'warning' ? {...finding, severity: 'error'} : finding,
  )
}

/** `--strict`: every warning (unknown parameter, non-RFC 1123 name, ...) counts as an error. */
export function strictFindings(findings: readonly Finding[]): Finding[] {
  return findings.map((finding) => (finding.severity === 'warning' ? {...finding, severity: 'error'} : finding))
}

/** The `--allow-unknown-keys` flag's help, shared by every command that reads override files. */
export const ALLOW_UNKNOWN_KEYS_HELP =
  'accept parameters dcm does not know (upstream passes them to Ansible as they are); without it they are errors'
