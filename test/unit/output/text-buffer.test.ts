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
        (pieces) => {
          const out = new TextBuffer()
          for (const piece of pieces) out.write(piece)
          expect(out.toString()).toBe(pieces.join(''))
        },
      ),
      {numRuns: 100},
    )
  })
})
