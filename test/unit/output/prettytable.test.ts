import {describe, expect, it} from '@jest/globals'
import fc from 'fast-check'

import {displayWidth} from '../../../src/core/output/display-width.js'
import {type Align, columnWidths, renderTable} from '../../../src/core/output/prettytable.js'

/**
 * renderTable copies plain rows (printable ASCII that fits) byte by byte into one buffer and renders the others as
 * text: both must lay a row out exactly as prettytable's justify does. The oracle below is that layout written the
 * plain way, for single-line cells (multi-line and wrapped cells go through the text path only).
 */
function oracle(fieldNames: string[], rows: string[][], align: Align[]): string {
  const widths = columnWidths({fieldNames, rows, align, printEmpty: false})
  const justify = (text: string, width: number, how: Align) => {
    const textWidth = displayWidth(text)
    const excess = width - textWidth
    if (excess <= 0) return text
    if (how === 'l') return text + ' '.repeat(excess)
    if (how === 'r') return ' '.repeat(excess) + text
    const half = Math.floor(excess / 2)
    if (excess % 2 === 0) return ' '.repeat(half) + text + ' '.repeat(half)
    return textWidth % 2
      ? ' '.repeat(half) + text + ' '.repeat(half + 1)
      : ' '.repeat(half + 1) + text + ' '.repeat(half)
  }
  const line = (cells: string[]) => '|' + cells.map((cell, i) => ` ${justify(cell, widths[i], align[i])} |`).join('')
  const rule = '+' + widths.map((width) => '-'.repeat(width + 2) + '+').join('')
  return [rule, line(fieldNames), rule, ...rows.map(line), rule].join('\n')
}

const cellText = fc.oneof(
  fc.string({unit: fc.constantFrom('a', 'b', 'Z', '0', '-', ' ', '.'), maxLength: 9}),
  fc.string({unit: fc.constantFrom('a', 'é', '中', '\u0301', 'x'), maxLength: 5}),
)

describe('renderTable', () => {
  it('lays out plain and other rows as prettytable does, in every alignment (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({min: 1, max: 4}).chain((width) =>
          fc.record({
            fieldNames: fc.array(fc.string({unit: fc.constantFrom('a', 'B', ' '), minLength: 1, maxLength: 6}), {
              minLength: width,
              maxLength: width,
            }),
            rows: fc.array(fc.array(cellText, {minLength: width, maxLength: width}), {maxLength: 8}),
            align: fc.array(fc.constantFrom<Align>('l', 'r', 'c'), {minLength: width, maxLength: width}),
          }),
        ),
        ({fieldNames, rows, align}) => {
          fc.pre(rows.length > 0)
          expect(renderTable({fieldNames, rows, align, printEmpty: false})).toBe(oracle(fieldNames, rows, align))
        },
      ),
      {numRuns: 300},
    )
  })
})
