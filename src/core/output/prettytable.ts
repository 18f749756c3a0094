import {displayWidth, isPrintableAscii} from './display-width.js'
import {fill} from './text-wrap.js'

/**
 * A clone of the part of prettytable that cliff uses: default style (`+`, `-`, `|`), padding 1, FRAME horizontal
 * rules, ALL vertical rules, top-aligned multi-line cells, per-column alignment and max width. Cells arrive already
 * turned into text (see table-format.ts); this module only lays them out, byte for byte like `get_string()`.
 */

export type Align = 'l' | 'r' | 'c'

export interface TableSpec {
  fieldNames: readonly string[]
  rows: readonly (readonly string[])[]
  /** Per column; prettytable's default is centred. */
  align: readonly Align[]
  /** Per column, 0 or absent = unlimited (prettytable's `max_width[field]`). */
  maxWidth?: readonly number[]
  printEmpty: boolean
}

/** Width and height of a block of text, like prettytable's `_get_size`. */
function blockWidth(text: string): number {
  if (!text.includes('\n')) return displayWidth(text)
  let width = -Infinity
  for (const line of text.split('\n')) width = Math.max(width, displayWidth(line))
  return width
}

/** Runs of spaces, built once per length: padding 5,000 rows calls for the same few lengths over and over. */
const spaceRuns: string[] = ['']
function spaces(count: number): string {
  if (count <= 0) return ''
  return (spaceRuns[count] ??= ' '.repeat(count))
}

function justify(text: string, width: number, align: Align, textWidth = displayWidth(text)): string {
  const excess = width - textWidth
  if (excess <= 0) return text
  if (align === 'l') return text + spaces(excess)
  if (align === 'r') return spaces(excess) + text
  // Centre like str.center(): the odd space goes right for odd-width text, left for even-width text.
  const half = Math.floor(excess / 2)
  if (excess % 2 === 0) return spaces(half) + text + spaces(half)
  return textWidth % 2 ? spaces(half) + text + spaces(half + 1) : spaces(half + 1) + text + spaces(half)
}

/** A cell that holds more than one line: measured and laid out line by line. */
const MULTI_LINE = -2

/**
 * The display width of every cell, measured once (row-major), for the width pass and the layout pass alike;
 * MULTI_LINE for a cell with a newline. With `plain`, a cell of printable ASCII only (one byte per column, the
 * usual case) is marked 1 there: renderTable copies such cells straight into its output buffer.
 */
function measureCells(rows: readonly (readonly string[])[], columnCount: number, plain?: Uint8Array): Int32Array {
  const measured = new Int32Array(rows.length * columnCount)
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]
    for (let i = 0; i < columnCount; i++) {
      const value = row[i]
      const at = r * columnCount + i
      if (plain && isPrintableAscii(value)) {
        plain[at] = 1
        measured[at] = value.length
      } else measured[at] = value.includes('\n') ? MULTI_LINE : displayWidth(value)
    }
  }
  return measured
}

/** Column widths: the header, then every value (capped by the column's max width), as `_compute_widths` does. */
export function columnWidths(spec: TableSpec, measured = measureCells(spec.rows, spec.fieldNames.length)): number[] {
  const widths = spec.fieldNames.map((name) => blockWidth(name))
  const count = widths.length
  for (let r = 0; r < spec.rows.length; r++) {
    for (let i = 0; i < count; i++) {
      const known = measured[r * count + i]
      const valueWidth = known === MULTI_LINE ? blockWidth(spec.rows[r][i]) : known
      const cap = spec.maxWidth?.[i]
      widths[i] = Math.max(widths[i], cap ? Math.min(valueWidth, cap) : valueWidth)
    }
  }
  return widths
}

function hrule(widths: readonly number[]): string {
  if (widths.length === 0) return '++'
  let line = '+'
  for (const w of widths) line += '-'.repeat(Math.max(0, w + 2)) + '+'
  return line
}

/** The table's top border, which is all cliff measures when fitting a table to the terminal. */
export function topRule(spec: TableSpec): string {
  if (spec.rows.length === 0 && !spec.printEmpty) return ''
  return hrule(columnWidths(spec))
}

/**
 * One row. The usual row (every cell one line that fits its column) is laid out straight from the measured widths;
 * a row with a multi-line or too-wide cell goes through the general layout.
 */
function renderRow(
  cells: readonly string[],
  widths: readonly number[],
  align: readonly Align[],
  measured: Int32Array,
  offset: number,
): string {
  let line = '|'
  for (let i = 0; i < widths.length; i++) {
    const known = measured[offset + i]
    if (known === MULTI_LINE || known > widths[i]) return renderTallRow(cells, widths, align)
    line += ' ' + justify(cells[i], widths[i], align[i], known) + ' |'
  }
  return line
}

function renderTallRow(cells: readonly string[], widths: readonly number[], align: readonly Align[]): string {
  const columns: string[][] = []
  let height = 0
  for (let i = 0; i < widths.length; i++) {
    const value = cells[i]
    const lines = value.includes('\n') ? value.split('\n') : [value]
    // Enforce max widths: a line wider than its column is wrapped by textwrap.fill (which may add lines).
    const wrapped: string[] = []
    for (const line of lines) {
      if (displayWidth(line) > widths[i]) wrapped.push(...fill(line, widths[i]).split('\n'))
      else wrapped.push(line)
    }
    columns.push(wrapped)
    height = Math.max(height, wrapped.length)
  }
  const out: string[] = []
  for (let y = 0; y < height; y++) {
    let line = '|'
    for (let i = 0; i < widths.length; i++) line += ' ' + justify(columns[i][y] ?? '', widths[i], align[i]) + ' |'
    out.push(line)
  }
  return out.join('\n')
}

/**
 * `PrettyTable.get_string()`. An empty table is '' unless printEmpty, in which case prettytable prints the header
 * block followed directly by the bottom border (two identical rules in a row, as upstream does).
 *
 * The rows are laid out in one buffer sized beforehand: a row of printable-ASCII cells that fit their columns is
 * copied there byte by byte with its padding, any other row is rendered as text (renderRow) and written in. Nothing
 * is allocated per plain row: building the 5,000-row table as concatenated strings kept ~10 MB of string pieces on the
 * heap (peak RSS) for 570 KB of output, and even one string per row, flattened to be written, cost ~5 MB of it.
 */
export function renderTable(spec: TableSpec): string {
  return renderTableBytes(spec).toString('utf8')
}

/**
 * renderTable as UTF-8 bytes followed by `end` (a list's final newline): what a command writes to stdout, without
 * decoding a large table into a string only for the stream to encode it again.
 */
export function renderTableBytes(spec: TableSpec, end = ''): Buffer {
  if (spec.rows.length === 0 && !spec.printEmpty) return Buffer.from(end)
  const {rows, align} = spec
  const count = spec.fieldNames.length
  const plain = new Uint8Array(rows.length * count)
  const measured = measureCells(rows, count, plain)
  const widths = columnWidths(spec, measured)
  const rule = hrule(widths)
  const header =
    count === 0
      ? '||'
      : '|' +
        spec.fieldNames
          .map(
            (name, i) =>
              ' ' +
              justify(displayWidth(name) > widths[i] ? name.slice(0, widths[i]) : name, widths[i], align[i]) +
              ' |',
          )
          .join('')
  const head = rule + '\n' + header + '\n' + rule
  // A plain row is '|' then ' <cell padded to its width> |' per column: the same byte count for every such row.
  let plainRowBytes = 1
  for (const width of widths) plainRowBytes += width + 3
  const other = new Map<number, string>()
  let size = Buffer.byteLength(head) + rows.length + 1 + rule.length + Buffer.byteLength(end)
  for (let r = 0; r < rows.length; r++) {
    if (isPlainRow(measured, plain, widths, r * count)) size += plainRowBytes
    else {
      const text = renderRow(rows[r], widths, align, measured, r * count)
      other.set(r, text)
      size += Buffer.byteLength(text)
    }
  }
  const out = Buffer.allocUnsafe(size)
  let at = out.write(head, 0)
  for (let r = 0; r < rows.length; r++) {
    out[at++] = NEWLINE
    const text = other.get(r)
    if (text !== undefined) {
      at += out.write(text, at)
      continue
    }
    const row = rows[r]
    out[at++] = BAR
    for (let i = 0; i < count; i++) {
      const value = row[i]
      const excess = widths[i] - measured[r * count + i]
      // justify()'s padding, as counts of spaces before and after the text.
      let before = 0
      if (align[i] === 'r') before = excess
      else if (align[i] === 'c') before = excess % 2 === 0 || value.length % 2 ? excess >> 1 : (excess >> 1) + 1
      at = pad(out, at, before + 1)
      // Copied by hand: cells are a few characters each, and 40,000 Buffer.write calls cost more than the copying.
      for (let k = 0; k < value.length; k++) out[at++] = value.charCodeAt(k)
      at = pad(out, at, excess - before + 1)
      out[at++] = BAR
    }
  }
  out[at++] = NEWLINE
  at += out.write(rule, at)
  at += out.write(end, at)
  return out.subarray(0, at)
}

const NEWLINE = 0x0a
const BAR = 0x7c

function isPlainRow(measured: Int32Array, plain: Uint8Array, widths: readonly number[], offset: number): boolean {
  for (let i = 0; i < widths.length; i++) if (!plain[offset + i] || measured[offset + i] > widths[i]) return false
  return true
}

function pad(out: Buffer, at: number, count: number): number {
  for (let end = at + count; at < end; at++) out[at] = SPACE
  return at
}

const SPACE = 0x20
