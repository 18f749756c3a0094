import {pyStr} from './python-text.js'
import type {Cell} from './types.js'

/** cliff's ValueFormatter: Python `str()` of each value; a list row joined by single spaces, a show one per line. */
export function valueList(rows: readonly (readonly Cell[])[]): string {
  let out = ''
  for (const row of rows) out += row.map(pyStr).join(' ') + '\n'
  return out
}

export function valueOne(values: readonly Cell[]): string {
  return values.map((value) => pyStr(value) + '\n').join('')
}
