import {pyFloatRepr} from './python-text.js'
import {TextBuffer} from './text-buffer.js'
import type {Cell, ListText} from './types.js'

/**
 * cliff's JSONFormatter: Python `json.dump(obj, indent=2)` (or indent=None with --noindent) plus a newline.
 * Python differs from JSON.stringify in ways scripts can see: ensure_ascii escapes every non-ASCII character
 * (`\u00e9`, surrogate pairs above U+FFFF), the compact form keeps a space after `,` and `:`, floats keep `.0`,
 * and NaN/Infinity are written bare. A repeated column name keeps its first position and its last value (dict).
 */

const ESCAPES: Record<string, string> = {
  '"': '\\"',
  '\\': '\\\\',
  '\n': '\\n',
  '\r': '\\r',
  '\t': '\\t',
  '\b': '\\b',
  '\f': '\\f',
}

/** Printable ASCII other than `"` and `\`: written as it is. */
const PLAIN_JSON = /^[ !#-[\]-~]*$/

/** `json.encoder.py_encode_basestring_ascii`. */
export function jsonString(text: string): string {
  if (PLAIN_JSON.test(text)) return '"' + text + '"'
  return (
    '"' +
    text.replace(/[\\"]|[^ -~]/g, (ch) => ESCAPES[ch] ?? '\\u' + ch.charCodeAt(0).toString(16).padStart(4, '0')) +
    '"'
  )
}

function jsonValue(value: Cell): string {
  if (value === null || value === undefined) return 'null'
  if (typeof value === 'boolean') return value ? 'true' : 'false'
  if (typeof value === 'string') return jsonString(value)
  if (Number.isInteger(value)) return Number.isSafeInteger(value) ? String(value) : BigInt(value).toString()
  if (Number.isNaN(value)) return 'NaN'
  if (value === Infinity) return 'Infinity'
  if (value === -Infinity) return '-Infinity'
  return pyFloatRepr(value)
}

/**
 * The keys of a Python dict built from `keys` in order: each key at its first position, taking the value of its last
 * occurrence (a repeated column name).
 */
function dictOrder(keys: readonly string[]): {names: string[]; from: number[]} {
  const last = new Map<string, number>()
  keys.forEach((key, i) => last.set(key, i))
  return {names: [...last.keys()], from: [...last.values()]}
}

function jsonObject(
  keys: readonly string[],
  values: readonly Cell[],
  indent: string | undefined,
  level: number,
): string {
  const {names, from} = dictOrder(keys)
  if (names.length === 0) return '{}'
  const members = names.map((name, i) => `${jsonString(name)}: ${jsonValue(values[from[i]])}`)
  if (indent === undefined) return `{${members.join(', ')}}`
  const inner = '\n' + indent.repeat(level + 1)
  return `{${inner}${members.join(',' + inner)}\n${indent.repeat(level)}}`
}

/**
 * Lister: an array of objects keyed by column name, in column order. Each member's key and separator is one string
 * made once for all rows, and each row is copied into one buffer as soon as it is written.
 */
export function jsonList(columns: readonly string[], rows: readonly (readonly Cell[])[], noindent: boolean): ListText {
  if (rows.length === 0) return '[]\n'
  const {names, from} = dictOrder(columns)
  const [open, between] = noindent ? ['{', ', '] : ['{\n    ', ',\n    ']
  const prefixes = names.map((name, i) => `${i === 0 ? open : between}${jsonString(name)}: `)
  const close = names.length === 0 ? '{}' : noindent ? '}' : '\n  }'
  const out = new TextBuffer()
  out.write(noindent ? '[' : '[\n  ')
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]
    let text = r === 0 ? '' : noindent ? ', ' : ',\n  '
    for (let i = 0; i < names.length; i++) text += prefixes[i] + jsonValue(row[from[i]])
    out.write(text + close)
    if (r === 0) out.reserveForAlike(rows.length)
  }
  out.write(noindent ? ']\n' : '\n]\n')
  return out.toBuffer()
}

/** ShowOne: one object. */
export function jsonOne(fields: readonly string[], values: readonly Cell[], noindent: boolean): string {
  return jsonObject(fields, values, noindent ? undefined : '  ', 0) + '\n'
}
