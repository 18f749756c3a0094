import {UsageError} from '../errors.js'
import {csvList} from './csv-format.js'
import {jsonList, jsonOne} from './json-format.js'
import {compareCodePoints} from './python-text.js'
import {dumpList, dumpOne} from './pyyaml-emitter.js'
import {shellOne} from './shell-format.js'
import {emitListTable, emitShowTable} from './table-format.js'
import type {Cell, ListText, OutputOptions} from './types.js'
import {valueList, valueOne} from './value-format.js'

/**
 * The output formats, declared once (cliff's formatter entry points, dcmanager-api.md §5.1): each name
 * renders a Lister result (`list`), a ShowOne result (`show`), or both. `-f`'s choices for list and show
 * commands, the OutputFormat type and the "invalid choice" texts all derive from this table; a new
 * format is one entry here (plus its module).
 */
type Rows = readonly (readonly Cell[])[]

export interface Formatter {
  list?: (columns: readonly string[], rows: Rows, options: OutputOptions) => ListText
  show?: (fields: readonly string[], values: readonly Cell[], options: OutputOptions) => string
}

export const FORMATTERS = {
  table: {
    list: (columns, rows, options) => emitListTable(columns, rows, options),
    show: (fields, values, options) => emitShowTable(fields, values, options),
  },
  json: {
    list: (columns, rows, options) => jsonList(columns, rows, options.noindent),
    show: (fields, values, options) => jsonOne(fields, values, options.noindent),
  },
  yaml: {
    list: (columns, rows) => dumpList(columns, rows, compareCodePoints),
    show: (fields, values) => fields.map((field, i) => dumpOne(field, values[i])).join(''),
  },
  value: {
    list: (_columns, rows) => valueList(rows),
    show: (_fields, values) => valueOne(values),
  },
  csv: {
    list: (columns, rows, options) => csvList(columns, rows, options.quote),
  },
  shell: {
    show: (fields, values, options) => shellOne(fields, values, options.prefix),
  },
} as const satisfies Record<string, Formatter>

type Registry = typeof FORMATTERS
export type OutputFormat = keyof Registry
export type ListFormat = {[K in OutputFormat]: Registry[K] extends {list: unknown} ? K : never}[OutputFormat]
export type ShowFormat = {[K in OutputFormat]: Registry[K] extends {show: unknown} ? K : never}[OutputFormat]

const names = (kind: keyof Formatter) =>
  (Object.keys(FORMATTERS) as OutputFormat[])
    .filter((name) => (FORMATTERS[name] as Formatter)[kind] !== undefined)
    .sort()

/** `-f` choices of a Lister command, sorted as cliff lists them. */
export const LIST_FORMATS = names('list') as ListFormat[]
/** `-f` choices of a ShowOne command. */
export const SHOW_FORMATS = names('show') as ShowFormat[]

export function listFormatter(format: string): NonNullable<Formatter['list']> {
  const formatter = (FORMATTERS as Record<string, Formatter>)[format]?.list
  if (!formatter) throw invalidChoice(format, LIST_FORMATS)
  return formatter
}

export function showFormatter(format: string): NonNullable<Formatter['show']> {
  const formatter = (FORMATTERS as Record<string, Formatter>)[format]?.show
  if (!formatter) throw invalidChoice(format, SHOW_FORMATS)
  return formatter
}

/** argparse's wording for a value outside `choices`. */
function invalidChoice(format: string, choices: readonly string[]): UsageError {
  return new UsageError(`invalid choice: '${format}' (choose from ${choices.map((c) => `'${c}'`).join(', ')})`)
}
