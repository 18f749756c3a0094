import {
  FINDING_COLUMNS,
  findingRow,
  refuseUnknownKeys,
  strictFindings,
  validationFailure,
} from '../core/overrides/findings.js'
import {STDIN, STDIN_NAME} from '../core/overrides/batch.js'
import type {Finding} from '../core/overrides/types.js'
import type {Cell} from '../core/output/index.js'

export interface FindingsReportOptions {
  /** --allow-unknown-keys / --strict as given. */
  allowUnknownKeys?: boolean
  strict?: boolean
  /** How many files were checked (named in the error when several fail). */
  fileCount: number
  /** -f: a table is for people (findings only, then one verdict per file); the other formats for programs. */
  format?: string
  /** The files as the operator named them, in order (each gets its verdict line). */
  files: readonly string[]
  /** The command's BaseCommand.printList. */
  printList: (columns: string[], rows: Cell[][]) => Record<string, Cell>[]
}

/**
 * How the `validate` commands report: one row per finding (unknown keys refused unless allowed, warnings
 * made errors by --strict), then every error on stderr as FILE:LINE:COL: MESSAGE and a UsageError (exit 2)
 * thrown when there is one. As a table with nothing to report, no table at all: a table of one `<none>` row
 * tells a person less than `FILE: valid (0 errors, 0 warnings)`, which every file without errors gets on
 * stderr. Machine formats always get the list (empty when clean). Returns the records for --json.
 */
export function reportFindings(found: readonly Finding[], options: FindingsReportOptions): Record<string, Cell>[] {
  const checked = refuseUnknownKeys(found, options.allowUnknownKeys)
  const findings = options.strict ? strictFindings(checked) : checked
  const rows = findings.map(findingRow)
  const forPeople = options.format === 'table'
  const records = forPeople && rows.length === 0 ? [] : options.printList([...FINDING_COLUMNS], rows)
  if (forPeople) for (const line of verdictLines(findings, options.files)) process.stderr.write(`${line}\n`)
  const failure = validationFailure(findings, options.fileCount)
  if (failure) {
    for (const line of failure.lines) process.stderr.write(`${line}\n`)
    throw failure.error
  }
  return records
}

/** `FILE: valid (0 errors, N warnings)` for each file without errors (those with errors are named by the error). */
export function verdictLines(findings: readonly Finding[], files: readonly string[]): string[] {
  const lines: string[] = []
  for (const file of new Set(files.map((name) => (name === STDIN ? STDIN_NAME : name)))) {
    const own = findings.filter((finding) => finding.file === file)
    const errors = own.filter((finding) => finding.severity === 'error').length
    const warnings = own.length - errors
    if (errors === 0) lines.push(`${file}: valid (0 errors, ${warnings} warning${warnings === 1 ? '' : 's'})`)
  }
  return lines
}
