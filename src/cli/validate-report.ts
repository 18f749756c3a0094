import {
  FINDING_COLUMNS,
  findingRow,
  refuseUnknownKeys,
  strictFindings,
  validationFailure,
} from '../core/overrides/findings.js'
import type {Finding} from '../core/overrides/types.js'
import {noneRow, type Cell} from '../core/output/index.js'

export interface FindingsReportOptions {
  /** --allow-unknown-keys / --strict as given. */
  allowUnknownKeys?: boolean
  strict?: boolean
  /** How many files were checked (named in the error when several fail). */
  fileCount: number
  /** -f: only a table shows dcmanager's `<none>` row when there is nothing to report. */
  format?: string
  /** The command's BaseCommand.printList. */
  printList: (columns: string[], rows: Cell[][]) => Record<string, Cell>[]
}

/**
 * How the `validate` commands report: one row per finding (unknown keys refused unless allowed, warnings
 * made errors by --strict), then every error on stderr as FILE:LINE:COL: MESSAGE and a UsageError (exit 2)
 * thrown when there is one. Returns the records for --json.
 */
export function reportFindings(found: readonly Finding[], options: FindingsReportOptions): Record<string, Cell>[] {
  const checked = refuseUnknownKeys(found, options.allowUnknownKeys)
  const findings = options.strict ? strictFindings(checked) : checked
  const rows = findings.map(findingRow)
  const empty = rows.length === 0 && options.format === 'table'
  const records = options.printList([...FINDING_COLUMNS], empty ? [noneRow(FINDING_COLUMNS)] : rows)
  const failure = validationFailure(findings, options.fileCount)
  if (failure) {
    for (const line of failure.lines) process.stderr.write(`${line}\n`)
    throw failure.error
  }
  return empty ? [] : records
}
