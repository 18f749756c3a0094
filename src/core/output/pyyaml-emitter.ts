import {pyNumber, pyFloatRepr} from './python-text.js'
import type {Cell} from './types.js'

/**
 * What PyYAML's `safe_dump(data, default_flow_style=False)` writes for the shapes cliff hands it: a list of flat
 * mappings (Lister) or a one-key mapping (ShowOne). A port of the relevant parts of PyYAML's Emitter (scalar
 * analysis, style choice, plain/single/double-quoted writers with 80-column folding) and of the SafeDumper's
 * implicit resolvers, so that strings which would read back as another type ('yes', '1.0', '', a timestamp) are
 * quoted exactly as dcmanager quotes them. allow_unicode is False, as in cliff: non-ASCII text is escaped.
 */

const BEST_WIDTH = 80
const BEST_INDENT = 2
const BREAKS = '\n\x85\u2028\u2029'
const BLANK_OR_BREAK = '\0 \t\r\n\x85\u2028\u2029'

// SafeDumper implicit resolvers (yaml/resolver.py); a str matching one of these cannot be written plain.
const IMPLICIT_RESOLVERS: RegExp[] = [
  /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/,
  /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/,
  /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/,
  /^(?:<<)$/,
  /^(?:~|null|Null|NULL|)$/,
  /^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$/,
  /^(?:=)$/,
  /^(?:!|&|\*)$/,
]

// Python's `$` also matches before a final newline; emulate it so 'yes\n' resolves like upstream.
function resolvesImplicitly(value: string): boolean {
  const candidates = value.endsWith('\n') ? [value, value.slice(0, -1)] : [value]
  return IMPLICIT_RESOLVERS.some((re) => candidates.some((c) => re.test(c)))
}

interface Analysis {
  chars: string[]
  empty: boolean
  multiline: boolean
  allowFlowPlain: boolean
  allowBlockPlain: boolean
  allowSingleQuoted: boolean
}

/** Emitter.analyze_scalar (allow_unicode=False). */
function analyzeScalar(scalar: string): Analysis {
  const chars = Array.from(scalar)
  if (chars.length === 0) {
    return {chars, empty: true, multiline: false, allowFlowPlain: false, allowBlockPlain: true, allowSingleQuoted: true}
  }
  let blockIndicators = false
  let flowIndicators = false
  let lineBreaks = false
  let specialCharacters = false
  let leadingSpace = false
  let leadingBreak = false
  let trailingSpace = false
  let trailingBreak = false
  let breakSpace = false
  let spaceBreak = false
  if (scalar.startsWith('---') || scalar.startsWith('...')) {
    blockIndicators = true
    flowIndicators = true
  }
  let precededByWhitespace = true
  let followedByWhitespace = chars.length === 1 || BLANK_OR_BREAK.includes(chars[1])
  let previousSpace = false
  let previousBreak = false
  for (let index = 0; index < chars.length;) {
    const ch = chars[index]
    if (index === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(ch)) {
        flowIndicators = true
        blockIndicators = true
      }
      if (ch === '?' || ch === ':') {
        flowIndicators = true
        if (followedByWhitespace) blockIndicators = true
      }
      if (ch === '-' && followedByWhitespace) {
        flowIndicators = true
        blockIndicators = true
      }
    } else {
      if (',?[]{}'.includes(ch)) flowIndicators = true
      if (ch === ':') {
        flowIndicators = true
        if (followedByWhitespace) blockIndicators = true
      }
      if (ch === '#' && precededByWhitespace) {
        flowIndicators = true
        blockIndicators = true
      }
    }
    if (BREAKS.includes(ch)) lineBreaks = true
    const cp = ch.codePointAt(0)!
    if (!(ch === '\n' || (cp >= 0x20 && cp <= 0x7e))) {
      // With allow_unicode=False every non-ASCII character is special too: only double quotes can escape it.
      specialCharacters = true
    }
    if (ch === ' ') {
      if (index === 0) leadingSpace = true
      if (index === chars.length - 1) trailingSpace = true
      if (previousBreak) breakSpace = true
      previousSpace = true
      previousBreak = false
    } else if (BREAKS.includes(ch)) {
      if (index === 0) leadingBreak = true
      if (index === chars.length - 1) trailingBreak = true
      if (previousSpace) spaceBreak = true
      previousSpace = false
      previousBreak = true
    } else {
      previousSpace = false
      previousBreak = false
    }
    index++
    precededByWhitespace = BLANK_OR_BREAK.includes(ch)
    followedByWhitespace = index + 1 >= chars.length || BLANK_OR_BREAK.includes(chars[index + 1])
  }
  let allowFlowPlain = true
  let allowBlockPlain = true
  let allowSingleQuoted = true
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) allowFlowPlain = allowBlockPlain = false
  if (breakSpace) allowFlowPlain = allowBlockPlain = allowSingleQuoted = false
  if (spaceBreak || specialCharacters) allowFlowPlain = allowBlockPlain = allowSingleQuoted = false
  if (lineBreaks) allowFlowPlain = allowBlockPlain = false
  if (flowIndicators) allowFlowPlain = false
  if (blockIndicators) allowBlockPlain = false
  return {chars, empty: false, multiline: lineBreaks, allowFlowPlain, allowBlockPlain, allowSingleQuoted}
}

const ESCAPE_REPLACEMENTS: Record<string, string> = {
  '\0': '0',
  '\x07': 'a',
  '\x08': 'b',
  '\x09': 't',
  '\x0A': 'n',
  '\x0B': 'v',
  '\x0C': 'f',
  '\x0D': 'r',
  '\x1B': 'e',
  '"': '"',
  '\\': '\\',
  '\x85': 'N',
  '\xA0': '_',
  '\u2028': 'L',
  '\u2029': 'P',
}

/** The writer half of PyYAML's Emitter: column tracking, indentation and the three flow scalar styles. */
class Writer {
  /** Output pieces, joined once at the end (slicing a growing string would flatten it on every cached write). */
  parts: string[] = []
  column = 0
  whitespace = true
  indention = true
  indent = 0

  write(data: string, length = Array.from(data).length): void {
    this.parts.push(data)
    this.column += length
  }

  writeIndicator(indicator: string, needWhitespace: boolean, whitespace = false, indention = false): void {
    const data = this.whitespace || !needWhitespace ? indicator : ' ' + indicator
    this.whitespace = whitespace
    this.indention = this.indention && indention
    this.write(data)
  }

  writeIndent(): void {
    const indent = this.indent
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace)) this.writeLineBreak()
    if (this.column < indent) {
      this.whitespace = true
      this.parts.push(' '.repeat(indent - this.column))
      this.column = indent
    }
  }

  writeLineBreak(data = '\n'): void {
    this.whitespace = true
    this.indention = true
    this.column = 0
    this.parts.push(data)
  }

  writeBreaks(text: string[], start: number, end: number): void {
    if (text[start] === '\n') this.writeLineBreak()
    for (const br of text.slice(start, end)) this.writeLineBreak(br === '\n' ? '\n' : br)
    this.writeIndent()
  }

  writePlain(text: string[], split: boolean): void {
    if (text.length === 0) return
    if (!this.whitespace) this.write(' ')
    this.whitespace = false
    this.indention = false
    let spaces = false
    let breaks = false
    let start = 0
    for (let end = 0; end <= text.length; end++) {
      const ch = end < text.length ? text[end] : undefined
      if (spaces) {
        if (ch !== ' ') {
          if (start + 1 === end && this.column > BEST_WIDTH && split) {
            this.writeIndent()
            this.whitespace = false
            this.indention = false
          } else this.write(text.slice(start, end).join(''), end - start)
          start = end
        }
      } else if (breaks) {
        if (ch === undefined || !BREAKS.includes(ch)) {
          this.writeBreaks(text, start, end)
          this.whitespace = false
          this.indention = false
          start = end
        }
      } else if (ch === undefined || (' ' + BREAKS).includes(ch)) {
        this.write(text.slice(start, end).join(''), end - start)
        start = end
      }
      if (ch !== undefined) {
        spaces = ch === ' '
        breaks = BREAKS.includes(ch)
      }
    }
  }

  writeSingleQuoted(text: string[], split: boolean): void {
    this.writeIndicator("'", true)
    let spaces = false
    let breaks = false
    let start = 0
    for (let end = 0; end <= text.length; end++) {
      const ch = end < text.length ? text[end] : undefined
      if (spaces) {
        if (ch === undefined || ch !== ' ') {
          if (start + 1 === end && this.column > BEST_WIDTH && split && start !== 0 && end !== text.length) {
            this.writeIndent()
          } else this.write(text.slice(start, end).join(''), end - start)
          start = end
        }
      } else if (breaks) {
        if (ch === undefined || !BREAKS.includes(ch)) {
          this.writeBreaks(text, start, end)
          start = end
        }
      } else if (ch === undefined || (' ' + BREAKS).includes(ch) || ch === "'") {
        if (start < end) {
          this.write(text.slice(start, end).join(''), end - start)
          start = end
        }
      }
      if (ch === "'") {
        this.write("''", 2)
        start = end + 1
      }
      if (ch !== undefined) {
        spaces = ch === ' '
        breaks = BREAKS.includes(ch)
      }
    }
    this.writeIndicator("'", false)
  }

  writeDoubleQuoted(text: string[], split: boolean): void {
    this.writeIndicator('"', true)
    let start = 0
    for (let end = 0; end <= text.length; end++) {
      const ch = end < text.length ? text[end] : undefined
      const cp = ch === undefined ? 0 : ch.codePointAt(0)!
      if (ch === undefined || '"\\\x85\u2028\u2029\uFEFF'.includes(ch) || !(cp >= 0x20 && cp <= 0x7e)) {
        if (start < end) {
          this.write(text.slice(start, end).join(''), end - start)
          start = end
        }
        if (ch !== undefined) {
          let data: string
          if (ch in ESCAPE_REPLACEMENTS) data = '\\' + ESCAPE_REPLACEMENTS[ch]
          else if (cp <= 0xff) data = '\\x' + cp.toString(16).toUpperCase().padStart(2, '0')
          else if (cp <= 0xffff) data = '\\u' + cp.toString(16).toUpperCase().padStart(4, '0')
          else data = '\\U' + cp.toString(16).toUpperCase().padStart(8, '0')
          this.write(data)
          start = end + 1
        }
      }
      if (
        end > 0 &&
        end < text.length - 1 &&
        (ch === ' ' || start >= end) &&
        this.column + (end - start) > BEST_WIDTH &&
        split
      ) {
        const data = text.slice(start, end).join('') + '\\'
        if (start < end) start = end
        this.write(data)
        this.writeIndent()
        this.whitespace = false
        this.indention = false
        if (text[start] === ' ') this.write('\\')
      }
    }
    this.writeIndicator('"', false)
  }

  /** Represent, analyse, choose a style for and write one scalar (Emitter.process_scalar). */
  writeScalar(value: Cell, simpleKey: boolean): void {
    const {text, implicitPlain} = represent(value)
    const analysis = analyzeScalar(text)
    const split = !simpleKey
    let style: '' | "'" | '"' = '"'
    // mapping values are in block context (flow_level 0), so only allow_block_plain matters.
    if (implicitPlain && !(simpleKey && (analysis.empty || analysis.multiline)) && analysis.allowBlockPlain) style = ''
    else if (analysis.allowSingleQuoted && !(simpleKey && analysis.multiline)) style = "'"
    if (style === '') this.writePlain(analysis.chars, split)
    else if (style === "'") this.writeSingleQuoted(analysis.chars, split)
    else this.writeDoubleQuoted(analysis.chars, split)
  }

  /**
   * writeScalar through a cache of what a scalar wrote last time, for lists where the same values repeat.
   * Folding only happens once the column passes 80, so output that stayed on one line and ends at or before
   * column 80 from this start column is exactly what a fresh write would produce; anything else is redone.
   */
  writeScalarCached(value: Cell, simpleKey: boolean, cache: Map<Cell, CachedScalar>): void {
    const hit = cache.get(value)
    if (hit && hit.whitespace === this.whitespace && this.column + hit.length <= BEST_WIDTH) {
      this.parts.push(hit.text)
      this.column += hit.length
      this.whitespace = false
      this.indention = false
      return
    }
    const before = this.parts.length
    const startColumn = this.column
    const whitespace = this.whitespace
    this.writeScalar(value, simpleKey)
    const written = this.parts.slice(before).join('')
    if (!written.includes('\n') && !this.whitespace && !this.indention && this.column <= BEST_WIDTH) {
      cache.set(value, {text: written, length: this.column - startColumn, whitespace})
    }
  }
}

interface CachedScalar {
  text: string
  length: number
  /** The writer's whitespace flag before the write: it decides whether a leading space was written. */
  whitespace: boolean
}

/** SafeRepresenter: the scalar text and whether it may be written plain (its implicit tag matches). */
function represent(value: Cell): {text: string; implicitPlain: boolean} {
  if (value === null || value === undefined) return {text: 'null', implicitPlain: true}
  if (typeof value === 'boolean') return {text: value ? 'true' : 'false', implicitPlain: true}
  if (typeof value === 'number') {
    if (Number.isInteger(value)) return {text: pyNumber(value), implicitPlain: true}
    if (Number.isNaN(value)) return {text: '.nan', implicitPlain: true}
    if (value === Infinity) return {text: '.inf', implicitPlain: true}
    if (value === -Infinity) return {text: '-.inf', implicitPlain: true}
    let text = pyFloatRepr(value).toLowerCase()
    // PyYAML: repr(1e17) is '1e+17', which is not a YAML float; it inserts '.0' before the exponent.
    if (!text.includes('.') && text.includes('e')) text = text.replace('e', '.0e')
    return {text, implicitPlain: true}
  }
  return {text: value, implicitPlain: !resolvesImplicitly(value)}
}

/**
 * The keys of every row's mapping in the order safe_dump writes them (sorted), each with the index of the value
 * it takes: a repeated column name keeps one entry and the last value, as a Python dict does.
 */
function sortedKeys(columns: readonly string[], compare: (a: string, b: string) => number): [string, number][] {
  const lastIndex = new Map<string, number>()
  columns.forEach((key, i) => lastIndex.set(key, i))
  return [...lastIndex].sort(([a], [b]) => compare(a, b))
}

/** `yaml.safe_dump([{col: value, ...}, ...], default_flow_style=False)`: keys sorted, one block mapping per row. */
export function dumpList(
  columns: readonly string[],
  rows: readonly (readonly Cell[])[],
  compare: (a: string, b: string) => number,
): string {
  if (rows.length === 0) return '[]\n'
  const keys = sortedKeys(columns, compare)
  const keyCache = new Map<Cell, CachedScalar>()
  const valueCache = new Map<Cell, CachedScalar>()
  const w = new Writer()
  for (const row of rows) {
    w.indent = 0
    w.writeIndent()
    w.writeIndicator('-', true, false, true)
    if (keys.length === 0) {
      w.writeIndicator('{', true, true)
      w.writeIndicator('}', false)
      continue
    }
    for (const [key, index] of keys) {
      w.indent = BEST_INDENT
      w.writeIndent()
      w.indent = 2 * BEST_INDENT
      w.writeScalarCached(key, true, keyCache)
      w.writeIndicator(':', false)
      w.writeScalarCached(row[index], false, valueCache)
    }
  }
  w.indent = 0
  w.writeIndent()
  return w.parts.join('')
}

/** ShowOne: one `yaml.safe_dump({key: value})` document per field, in column order. */
export function dumpOne(key: string, value: Cell): string {
  const w = new Writer()
  w.indent = BEST_INDENT
  w.writeScalar(key, true)
  w.writeIndicator(':', false)
  w.writeScalar(value, false)
  w.indent = 0
  w.writeIndent()
  return w.parts.join('')
}
