import {pyStr} from './python-text.js'
import {TextBuffer} from './text-buffer.js'
import type {Cell} from './types.js'

/** cliff's ValueFormatter: Python `str()` of each value; a list row joined by single spaces, a show one per line. */
export function valueList(rows: readonly (readonly Cell[])[]): string {
  const out = new TextBuffer()
  for (const row of rows) out.write(row.map(pyStr).join(' ') + '\n')
  return out.toString()
}

export function valueOne(values: readonly Cell[]): string {
  return values.map((value) => pyStr(value) + '\n').join('')
}
