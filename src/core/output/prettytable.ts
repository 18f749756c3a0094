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

function justify(text: string, width: number, align: Align): string {
  const textWidth = displayWidth(text)
  const excess = width - textWidth
  if (excess <= 0) return text
  if (align === 'l') return text + ' '.repeat(excess)
  if (align === 'r') return ' '.repeat(excess) + text
  // Centre like str.center(): the odd space goes right for odd-width text, left for even-width text.
  const half = Math.floor(excess / 2)
  if (excess % 2 === 0) return ' '.repeat(half) + text + ' '.repeat(half)
  return textWidth % 2 ? ' '.repeat(half) + text + ' '.repeat(half + 1) : ' '.repeat(half + 1) + text + ' '.repeat(half)
}

/** Column widths: the header, then every value (capped by the column's max width), as `_compute_widths` does. */
export function columnWidths(spec: TableSpec): number[] {
  const widths = spec.fieldNames.map((name) => blockWidth(name))
  for (const row of spec.rows) {
    for (let i = 0; i < widths.length; i++) {
      const valueWidth = blockWidth(row[i])
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

function renderRow(cells: readonly string[], widths: readonly number[], align: readonly Align[]): string {
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
  const widths = columnWidths(spec)
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
  const lines = [rule, header, rule]
  for (const row of spec.rows) lines.push(renderRow(row, widths, spec.align))
  lines.push(rule)
  return lines.join('\n')
}
