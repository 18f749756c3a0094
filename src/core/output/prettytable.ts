import {displayWidth} from './display-width.js'
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
 * MULTI_LINE for a cell with a newline.
 */
function measureCells(rows: readonly (readonly string[])[], columnCount: number): Int32Array {
  const measured = new Int32Array(rows.length * columnCount)
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]
    for (let i = 0; i < columnCount; i++) {
      const value = row[i]
      measured[r * columnCount + i] = value.includes('\n') ? MULTI_LINE : displayWidth(value)
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
 */
export function renderTable(spec: TableSpec): string {
  if (spec.rows.length === 0 && !spec.printEmpty) return ''
  const count = spec.fieldNames.length
  const measured = measureCells(spec.rows, count)
  const widths = columnWidths(spec, measured)
  const rule = hrule(widths)
  const header =
    spec.fieldNames.length === 0
      ? '||'
      : '|' +
        spec.fieldNames
          .map(
            (name, i) =>
              ' ' +
              justify(displayWidth(name) > widths[i] ? name.slice(0, widths[i]) : name, widths[i], spec.align[i]) +
              ' |',
          )
          .join('')
  let text = rule + '\n' + header + '\n' + rule
  for (let r = 0; r < spec.rows.length; r++)
    text += '\n' + renderRow(spec.rows[r], widths, spec.align, measured, r * count)
  return text + '\n' + rule
}
