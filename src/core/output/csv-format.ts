import {UsageError} from '../errors.js'
import {pyStr} from './python-text.js'
import type {Cell, CsvQuote} from './types.js'

/**
 * cliff's CSVLister: Python `csv.writer(quoting=..., lineterminator='\n', escapechar='\\')` with the default
 * dialect otherwise (`,` delimiter, `"` quote char, doublequote). None is written as an empty field; with
 * `nonnumeric` that empty field is quoted (`""`) while ints, floats and booleans stay bare. Characters that need
 * quoting are `,`, `"` and `\n` (the line terminator; a lone `\r` does not count, as in CPython 3.11); a backslash
 * (the escape char) is always escaped, and with `--quote none` every special character is escaped instead.
 */

function field(value: Cell, quote: CsvQuote): {text: string; quoted: boolean} {
  const numeric = typeof value === 'number' || typeof value === 'boolean'
  const text = value === null || value === undefined ? '' : pyStr(value)
  let quoted = quote === 'all' || (quote === 'nonnumeric' && !numeric)
  let out = ''
  for (const ch of text) {
    if (ch === ',' || ch === '"' || ch === '\\' || ch === '\n') {
      if (quote === 'none' || ch === '\\') out += '\\'
      else {
        // The quote char is doubled and, like `,` and newline, makes the field quoted.
        if (ch === '"') out += '"'
        quoted = true
      }
    }
    out += ch
  }
  return {text: out, quoted}
}

export function csvRow(values: readonly Cell[], quote: CsvQuote): string {
  const fields = values.map((value) => field(value, quote))
  // csv refuses to write a record that is one empty field without quotes: it would read back as no field at all.
  if (fields.length === 1 && fields[0].text === '') {
    if (quote === 'none') throw new UsageError('single empty field record must be quoted')
    fields[0].quoted = true
  }
  return fields.map((f) => (f.quoted ? `"${f.text}"` : f.text)).join(',') + '\n'
}

export function csvList(columns: readonly string[], rows: readonly (readonly Cell[])[], quote: CsvQuote): string {
  let out = csvRow(columns, quote)
  for (const row of rows) out += csvRow(row, quote)
  return out
}
