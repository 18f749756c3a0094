/**
 * dcmanager-style output (dcmanager-api.md §5.1): cliff's Lister/ShowOne formatters over a prettytable clone.
 * Commands hand over column names and plain values; this module selects (-c), sorts (--sort-column) and renders
 * them as table, json, yaml, value, csv or shell, byte for byte as dcmanager prints them.
 */
import {UsageError} from '../errors.js'
import {pick, selectColumns, sortRows} from './columns.js'
import {csvList} from './csv-format.js'
import {jsonList, jsonOne} from './json-format.js'
import {compareCodePoints} from './python-text.js'
import {dumpList, dumpOne} from './pyyaml-emitter.js'
import {shellOne} from './shell-format.js'
import {emitListTable, emitShowTable} from './table-format.js'
import type {Cell, OutputOptions} from './types.js'
import {valueList, valueOne} from './value-format.js'

export type {Cell, CsvQuote, OutputFormat, OutputOptions} from './types.js'

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
  return rows.map((row) => (row.length === width ? [...row] : Array.from({length: width}, (_, i) => row[i] ?? null)))
}

/** Render a Lister result: `columns` in the command's order, one array of cells per row. */
export function formatList(columns: string[], rows: Cell[][], options: OutputOptions): string {
  // cliff sorts on the full rows first (so a sort column need not be displayed), then selects columns.
  let data: (readonly Cell[])[] = normalise(rows, columns.length)
  if (options.sortColumns.length > 0) data = sortRows(columns, data, options.sortColumns, options.sortDescending)
  const selection = selectColumns(columns, options.columns)
  const selected = selection.indexes.length === columns.length ? data : data.map((row) => pick(row, selection.indexes))
  switch (options.format) {
    case 'table':
      return emitListTable(selection.columns, selected, options)
    case 'json':
      return jsonList(selection.columns, selected, options.noindent)
    case 'yaml':
      return dumpList(selection.columns, selected, compareCodePoints)
    case 'value':
      return valueList(selected)
    case 'csv':
      return csvList(selection.columns, selected, options.quote)
    default:
      throw new UsageError(`invalid choice: '${options.format}' (choose from 'csv', 'json', 'table', 'value', 'yaml')`)
  }
}

/** Render a ShowOne result: field names and their values, in the command's order. */
export function formatShow(fields: string[], values: Cell[], options: OutputOptions): string {
  const selection = selectColumns(fields, options.columns)
  const columns = selection.columns
  const data = pick(values, selection.indexes)
  switch (options.format) {
    case 'table':
      return emitShowTable(columns, data, options)
    case 'json':
      return jsonOne(columns, data, options.noindent)
    case 'yaml':
      return columns.map((column, i) => dumpOne(column, data[i])).join('')
    case 'value':
      return valueOne(data)
    case 'shell':
      return shellOne(columns, data, options.prefix)
    default:
      throw new UsageError(
        `invalid choice: '${options.format}' (choose from 'json', 'shell', 'table', 'value', 'yaml')`,
      )
  }
}
