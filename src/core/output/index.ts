/**
 * dcmanager-style output (dcmanager-api.md §5.1): cliff's Lister/ShowOne formatters over a prettytable clone.
 * Commands hand over column names and plain values; this module selects (-c), sorts (--sort-column) and renders
 * them with the formatter `-f` names (formats.ts), byte for byte as dcmanager prints them.
 */
import {pick, selectColumns, sortRows} from './columns.js'
import {listFormatter, showFormatter} from './formats.js'
import type {Cell, ListText, OutputOptions} from './types.js'

export type {ListFormat, OutputFormat, ShowFormat} from './formats.js'
export {LIST_FORMATS, SHOW_FORMATS} from './formats.js'
export type {Cell, CsvQuote, ListText, OutputOptions} from './types.js'

/** cliff's defaults (no output flag given, stdout not a TTY), with `overrides` on top. A fresh object each call. */
export function defaultOutputOptions(overrides: Partial<OutputOptions> = {}): OutputOptions {
  return {
    format: 'table',
    columns: [],
    noindent: false,
    maxWidth: 0,
    fitWidth: false,
    printEmpty: false,
    quote: 'nonnumeric',
    prefix: '',
    sortColumns: [],
    sortDescending: false,
    ...overrides,
  }
}

/** The value dcmanager puts in every column of an empty list, so that the table is never empty. */
export const NONE_MARKER = '<none>'

/** dcmanager's empty-list convention: one row of `<none>` in every column. Use it when a list has no items. */
export function noneRow(columns: readonly string[]): string[] {
  return columns.map(() => NONE_MARKER)
}

/** Rows padded (or cut) to the column count; a missing cell is None. */
function normalise(rows: readonly (readonly Cell[])[], width: number): (readonly Cell[])[] {
  // Rows of the right length are shared, not copied: nothing below changes a row in place.
  return rows.map((row) => (row.length === width ? row : Array.from({length: width}, (_, i) => row[i] ?? null)))
}

/** Render a Lister result: `columns` in the command's order, one array of cells per row. */
export function formatList(columns: string[], rows: Cell[][], options: OutputOptions): string {
  const text = formatListText(columns, rows, options)
  return typeof text === 'string' ? text : text.toString('utf8')
}

/**
 * formatList for a stream: the output as its writer made it, text or UTF-8 bytes. A 5,000-row list goes to stdout
 * without being decoded into a string first (and encoded again by the stream).
 */
export function formatListText(columns: string[], rows: Cell[][], options: OutputOptions): ListText {
  // cliff sorts on the full rows first (so a sort column need not be displayed), then selects columns.
  let data: (readonly Cell[])[] = normalise(rows, columns.length)
  if (options.sortColumns.length > 0) data = sortRows(columns, data, options.sortColumns, options.sortDescending)
  const selection = selectColumns(columns, options.columns)
  const selected = selection.indexes.length === columns.length ? data : data.map((row) => pick(row, selection.indexes))
  return listFormatter(options.format)(selection.columns, selected, options)
}

/** Render a ShowOne result: field names and their values, in the command's order. */
export function formatShow(fields: string[], values: Cell[], options: OutputOptions): string {
  const selection = selectColumns(fields, options.columns)
  const columns = selection.columns
  const data = pick(values, selection.indexes)
  return showFormatter(options.format)(columns, data, options)
}
