import {type Align, renderTable, renderTableBytes, type TableSpec, topRule} from './prettytable.js'
import {pyStr} from './python-text.js'
import type {Cell} from './types.js'

/**
 * cliff's TableFormatter: turns cells into prettytable text, picks each list column's alignment from the first
 * row's types, and shrinks wide columns to the terminal (or --max-width) the way cliff does.
 */

export interface FitOptions {
  /** --max-width; > 0 forces fitting to this width. */
  maxWidth: number
  fitWidth: boolean
  /** Set only when stdout is a TTY. */
  terminalWidth?: number
}

/** cliff `_format_row` + prettytable `_format_value`: `\r\n` -> `\n`, lone `\r` -> space, then Python `str()`. */
export function cellText(value: Cell): string {
  if (typeof value === 'string') return value.includes('\r') ? value.replace(/\r\n/g, '\n').replace(/\r/g, ' ') : value
  return pyStr(value)
}

/** Lister alignment from the first row's value type: int/float right, everything else (str, None, bool) left. */
function alignmentsFrom(firstRow: readonly Cell[] | undefined, columnCount: number): Align[] {
  if (!firstRow) return new Array<Align>(columnCount).fill('c')
  return Array.from({length: columnCount}, (_, i) => (typeof firstRow[i] === 'number' ? 'r' : 'l'))
}

export function emitListTable(
  columns: readonly string[],
  rows: readonly (readonly Cell[])[],
  options: FitOptions & {printEmpty: boolean},
): Buffer {
  const spec: TableSpec = {
    fieldNames: columns,
    rows: rows.map((row) => row.map(cellText)),
    align: alignmentsFrom(rows[0], columns.length),
    printEmpty: options.printEmpty,
  }
  // cliff: "The table will overflow the console width in preference to wrapping columns smaller than 8 characters."
  return renderTableBytes(withMaxWidths(spec, options, 8), '\n')
}

/** cliff's ShowOne header; cgtsclient's tuple printer (`system ...-show`) says `Property | Value` instead. */
export const CLIFF_SHOW_HEADER = ['Field', 'Value'] as const
export const CGTS_SHOW_HEADER = ['Property', 'Value'] as const

export function emitShowTable(
  fields: readonly string[],
  values: readonly Cell[],
  options: FitOptions & {showHeader?: readonly [string, string]},
): string {
  const spec: TableSpec = {
    fieldNames: options.showHeader ?? CLIFF_SHOW_HEADER,
    rows: fields.map((field, i) => [cellText(field), cellText(values[i])]),
    // Show tables align everything left: the values are not all of one type.
    align: ['l', 'l'],
    printEmpty: false,
  }
  // 16 keeps the Field column readable on a narrow console.
  return renderTable(withMaxWidths(spec, options, 16)) + '\n'
}

/** The width to fit to, or undefined when cliff would not fit at all (`_assign_max_widths` preamble). */
export function fitTarget(options: FitOptions): number | undefined {
  if (options.maxWidth > 0) return options.maxWidth
  // cliff fits when stdout is a TTY or --fit-width is given, but measures the terminal either way: off a TTY there
  // is no terminal size, so --fit-width alone changes nothing when output is piped.
  if (!options.terminalWidth && !options.fitWidth) return undefined
  return options.terminalWidth || undefined
}

/** cliff `TableFormatter._assign_max_widths`: give columns wider than an equal share a max width so the table fits. */
export function withMaxWidths(spec: TableSpec, options: FitOptions, minWidth: number): TableSpec {
  const termWidth = fitTarget(options)
  if (termWidth === undefined) return spec
  const firstLine = topRule(spec)
  if (!firstLine || firstLine.length <= termWidth) return spec
  const fieldCount = spec.fieldNames.length
  const usable = Math.max(0, termWidth - 1 - 3 * fieldCount)
  const optimal = fieldCount === 0 ? 0 : Math.max(0, Math.floor(usable / fieldCount))
  const widths = firstLine
    .split('+')
    .slice(1, -1)
    .map((segment) => Math.max(0, segment.length - 2))
  const shrink: number[] = []
  let remaining = usable
  widths.forEach((w, i) => {
    if (w <= optimal) remaining -= w
    else shrink.push(i)
  })
  // A table wider than the target always has a column wider than an equal share; guard anyway.
  if (shrink.length === 0) return spec
  const maxWidth = new Array<number>(fieldCount).fill(0)
  const shrinkTo = Math.floor(remaining / shrink.length)
  for (const i of shrink.slice(0, -1)) {
    maxWidth[i] = Math.max(minWidth, shrinkTo)
    remaining -= shrinkTo
  }
  maxWidth[shrink[shrink.length - 1]] = Math.max(minWidth, remaining)
  return {...spec, maxWidth}
}
