import {UsageError} from '../errors.js'
import {pyCompare, pyListRepr, pyTupleRepr} from './python-text.js'
import type {Cell} from './types.js'

/**
 * cliff's `-c/--column` and `--sort-column` handling (display.py `_generate_columns_and_selector`, lister.py
 * `produce_output`). Names are matched exactly as typed, like cliff: `-c deploy_status` does not match a column
 * called "deploy status" (dcmanager's `subcloud list` switches to the underscore detail columns when -c is given,
 * which is why `-c deploy_status` works there; that is the command's job, not this module's).
 */

export interface Selection {
  columns: string[]
  /** Indexes of the kept columns in the command's column list, in the command's order. */
  indexes: number[]
}

/** Keep the requested columns in the command's order; none requested keeps all; none recognised is an error. */
export function selectColumns(columns: readonly string[], requested: readonly string[]): Selection {
  const all = {columns: [...columns], indexes: columns.map((_, i) => i)}
  if (requested.length === 0) return all
  const wanted = new Set(requested)
  const indexes = columns.flatMap((column, i) => (wanted.has(column) ? [i] : []))
  if (indexes.length === 0) {
    throw new UsageError(
      `No recognized column names in ${pyListRepr(requested)}. Recognized columns are ${pyTupleRepr(columns)}.`,
    )
  }
  return {columns: indexes.map((i) => columns[i]), indexes}
}

export function pick<T>(row: readonly T[], indexes: readonly number[]): T[] {
  return indexes.map((i) => row[i])
}

type Present = Exclude<Cell, null | undefined>

/**
 * cliff's sort: for each sort column, last to first, a stable sort on the key `(value is None, value)`, reversed
 * for --sort-descending (Python keeps equal rows in their original order either way). None therefore sorts after
 * every value, or before them all when descending. A column whose values Python cannot order (strings mixed with
 * numbers) raises TypeError upstream, which cliff logs and skips: that column is ignored, the rest still apply.
 * Unknown sort columns are ignored; the first column of a given name is the one used.
 */
export function sortRows(
  columns: readonly string[],
  rows: readonly (readonly Cell[])[],
  sortColumns: readonly string[],
  descending: boolean,
): (readonly Cell[])[] {
  let data = [...rows]
  const indexes = sortColumns.filter((name) => columns.includes(name)).map((name) => columns.indexOf(name))
  for (const index of [...indexes].reverse()) {
    if (!orderable(data, index)) continue
    const direction = descending ? -1 : 1
    data = [...data].sort((a, b) => direction * compareKeys(a[index], b[index]))
  }
  return data
}

function isNone(value: Cell): value is null | undefined {
  return value === null || value === undefined
}

function compareKeys(a: Cell, b: Cell): number {
  const aNone = isNone(a)
  const bNone = isNone(b)
  if (aNone || bNone) return aNone === bNone ? 0 : aNone ? 1 : -1
  return pyCompare(a, b) ?? 0
}

/** False when the column holds both strings and numbers/booleans (Python: '<' not supported). */
function orderable(rows: readonly (readonly Cell[])[], index: number): boolean {
  let strings = false
  let numbers = false
  for (const row of rows) {
    const value = row[index]
    if (isNone(value)) continue
    if (typeof (value as Present) === 'string') strings = true
    else numbers = true
    if (strings && numbers) return false
  }
  return true
}
