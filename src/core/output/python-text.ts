import type {Cell} from './types.js'

/**
 * How Python turns the values dcmanager hands to cliff into text. Commands give us JSON-ish values; these helpers
 * render them the way `str()`, `repr()` and Python's ordering would, so every formatter prints what dcmanager prints.
 * A JS number that is an integer stands for a Python int, any other number for a Python float.
 */

/** Python `str()` of a cell: None, True/False, int digits, float repr; strings unchanged. */
export function pyStr(value: Cell): string {
  if (value === null || value === undefined) return 'None'
  if (typeof value === 'string') return value
  if (typeof value === 'boolean') return value ? 'True' : 'False'
  return pyNumber(value)
}

/** A number as Python prints it: ints in full (never exponent form), floats like `repr(float)`. */
export function pyNumber(value: number): string {
  if (Number.isInteger(value)) return Number.isSafeInteger(value) ? String(value) : BigInt(value).toString()
  return pyFloatRepr(value)
}

/** `repr(float)`: shortest round-trip digits, exponent form below 1e-4 and from 1e16 on, always a `.0` otherwise. */
export function pyFloatRepr(value: number): string {
  if (Number.isNaN(value)) return 'nan'
  if (value === Infinity) return 'inf'
  if (value === -Infinity) return '-inf'
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0'
  const [mantissa, exponentText] = value.toExponential().split('e')
  const exponent = Number(exponentText)
  const negative = mantissa.startsWith('-')
  const digits = mantissa.replace('-', '').replace('.', '')
  const sign = negative ? '-' : ''
  if (exponent < -4 || exponent >= 16) {
    const body = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits
    const expSign = exponent < 0 ? '-' : '+'
    return `${sign}${body}e${expSign}${String(Math.abs(exponent)).padStart(2, '0')}`
  }
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`
  const intPart = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0')
  const fraction = digits.slice(exponent + 1)
  return `${sign}${intPart}.${fraction || '0'}`
}

const NON_PRINTABLE = /[\p{C}\p{Z}]/u

/** Python `repr()` of a str: quote choice, backslash escapes and \x/\u/\U escapes for non-printable characters. */
export function pyRepr(text: string): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'"
  let out = quote
  for (const ch of text) {
    if (ch === quote || ch === '\\') out += '\\' + ch
    else if (ch === '\n') out += '\\n'
    else if (ch === '\r') out += '\\r'
    else if (ch === '\t') out += '\\t'
    else if (ch !== ' ' && NON_PRINTABLE.test(ch)) {
      const cp = ch.codePointAt(0)!
      if (cp <= 0xff) out += '\\x' + cp.toString(16).padStart(2, '0')
      else if (cp <= 0xffff) out += '\\u' + cp.toString(16).padStart(4, '0')
      else out += '\\U' + cp.toString(16).padStart(8, '0')
    } else out += ch
  }
  return out + quote
}

/** `str()` of a Python list of strings: `['a', 'b']`. */
export function pyListRepr(items: readonly string[]): string {
  return `[${items.map(pyRepr).join(', ')}]`
}

/** `str()` of a Python tuple of strings: `('a', 'b')`, `('a',)`, `()`. */
export function pyTupleRepr(items: readonly string[]): string {
  return items.length === 1 ? `(${pyRepr(items[0])},)` : `(${items.map(pyRepr).join(', ')})`
}

/** Compare strings by code point, as Python does (JS `<` compares UTF-16 units, which differs above U+FFFF). */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i)
    const y = b.charCodeAt(i)
    if (x === y) continue
    // A surrogate (astral character) sorts after every BMP character, including U+E000..U+FFFF.
    const xs = x >= 0xd800 && x <= 0xdfff
    const ys = y >= 0xd800 && y <= 0xdfff
    if (xs !== ys) return xs ? 1 : -1
    return x - y
  }
  return a.length - b.length
}

/**
 * Python's `<` between two non-None cells: numbers and booleans compare numerically, strings by code point.
 * Returns undefined where Python raises TypeError (a string against a number).
 */
export function pyCompare(a: Exclude<Cell, null | undefined>, b: Exclude<Cell, null | undefined>): number | undefined {
  const aText = typeof a === 'string'
  const bText = typeof b === 'string'
  if (aText && bText) return compareCodePoints(a, b)
  if (aText || bText) return undefined
  const x = Number(a)
  const y = Number(b)
  return x < y ? -1 : x > y ? 1 : 0
}
