import {pyFloatRepr} from './python-text.js'
import type {Cell} from './types.js'

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

/** `json.encoder.py_encode_basestring_ascii`. */
export function jsonString(text: string): string {
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

function jsonObject(
  keys: readonly string[],
  values: readonly Cell[],
  indent: string | undefined,
  level: number,
): string {
  const pairs = new Map<string, Cell>()
  keys.forEach((key, i) => pairs.set(key, values[i]))
  if (pairs.size === 0) return '{}'
  const members = [...pairs].map(([key, value]) => `${jsonString(key)}: ${jsonValue(value)}`)
  if (indent === undefined) return `{${members.join(', ')}}`
  const inner = '\n' + indent.repeat(level + 1)
  return `{${inner}${members.join(',' + inner)}\n${indent.repeat(level)}}`
}

/** Lister: an array of objects keyed by column name, in column order. */
export function jsonList(columns: readonly string[], rows: readonly (readonly Cell[])[], noindent: boolean): string {
  const indent = noindent ? undefined : '  '
  if (rows.length === 0) return '[]\n'
  const items = rows.map((row) => jsonObject(columns, row, indent, 1))
  if (indent === undefined) return `[${items.join(', ')}]\n`
  return `[\n${indent}${items.join(',\n' + indent)}\n]\n`
}

/** ShowOne: one object. */
export function jsonOne(fields: readonly string[], values: readonly Cell[], noindent: boolean): string {
  return jsonObject(fields, values, noindent ? undefined : '  ', 0) + '\n'
}
