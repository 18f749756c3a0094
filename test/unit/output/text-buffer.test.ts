import {describe, expect, it} from '@jest/globals'
import fc from 'fast-check'

import {TextBuffer} from '../../../src/core/output/text-buffer.js'

describe('TextBuffer', () => {
  it('reads back what was written, across growth and multi-byte characters (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(
            fc.string({unit: 'grapheme', maxLength: 40}),
            fc.constantFrom('x'.repeat(70_000), '中'.repeat(30_000)),
          ),
          {maxLength: 12},
        ),
        fc.nat({max: 200_000}),
        (pieces, reserve) => {
          const out = new TextBuffer()
          for (const [i, piece] of pieces.entries()) {
            out.write(piece)
            if (i === 0) out.reserve(reserve)
          }
          expect(out.toString()).toBe(pieces.join(''))
          expect(out.toBuffer().toString('utf8')).toBe(pieces.join(''))
          expect(out.size).toBe(Buffer.byteLength(pieces.join('')))
        },
      ),
      {numRuns: 100},
    )
  })
})
