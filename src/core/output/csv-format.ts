import {UsageError} from '../errors.js'
import {pyStr} from './python-text.js'
import {TextBuffer} from './text-buffer.js'
import type {Cell, CsvQuote} from './types.js'

/**
 * cliff's CSVLister: Python `csv.writer(quoting=..., lineterminator='\n', escapechar='\\')` with the default
 * dialect otherwise (`,` delimiter, `"` quote char, doublequote). None is written as an empty field; with
 * `nonnumeric` that empty field is quoted (`""`) while ints, floats and booleans stay bare. Characters that need
 * quoting are `,`, `"` and `\n` (the line terminator; a lone `\r` does not count, as in CPython 3.11); a backslash
 * (the escape char) is always escaped, and with `--quote none` every special character is escaped instead.
 */

/** The characters csv.writer treats specially (the delimiter, quote char, escape char, line terminator). */
const SPECIAL = /[,"\\\n]/

/** One field as csv.writer writes it, quotes included. */
function field(value: Cell, quote: CsvQuote): string {
  const numeric = typeof value === 'number' || typeof value === 'boolean'
  const text = value === null || value === undefined ? '' : pyStr(value)
  let quoted = quote === 'all' || (quote === 'nonnumeric' && !numeric)
  // Most fields hold none of them: no need to walk them character by character.
  if (!SPECIAL.test(text)) return quoted ? '"' + text + '"' : text
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
  return quoted ? '"' + out + '"' : out
}

export function csvRow(values: readonly Cell[], quote: CsvQuote): string {
  // csv refuses to write a record that is one empty field without quotes: it would read back as no field at all.
  if (values.length === 1 && (values[0] === null || values[0] === undefined || values[0] === '')) {
    if (quote === 'none') throw new UsageError('single empty field record must be quoted')
    return '""\n'
  }
  let line = ''
  for (let i = 0; i < values.length; i++) line += (i === 0 ? '' : ',') + field(values[i], quote)
  return line + '\n'
}

export function csvList(columns: readonly string[], rows: readonly (readonly Cell[])[], quote: CsvQuote): Buffer {
  const out = new TextBuffer()
  out.write(csvRow(columns, quote))
  for (let r = 0; r < rows.length; r++) {
    out.write(csvRow(rows[r], quote))
    if (r === 0) out.reserveForAlike(rows.length)
  }
  return out.toBuffer()
}
