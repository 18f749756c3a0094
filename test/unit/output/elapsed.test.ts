import {describe, expect, it} from '@jest/globals'

import {formatElapsed} from '../../../src/core/output/elapsed.js'

describe('formatElapsed', () => {
  it('units: the bootstrap progress style', () => {
    expect(formatElapsed(0)).toBe('0m00s')
    expect(formatElapsed(59_999)).toBe('0m59s')
    expect(formatElapsed(3_725_000, 'units')).toBe('1h02m05s')
  })

  it('clock: the --wait style, minutes keep counting past an hour', () => {
    expect(formatElapsed(0, 'clock')).toBe('0:00')
    expect(formatElapsed(65_400, 'clock')).toBe('1:05')
    expect(formatElapsed(3_725_000, 'clock')).toBe('62:05')
  })

  it("profile: ansible profile_tasks' H:MM:SS.mmm, rounded to the millisecond", () => {
    expect(formatElapsed(52, 'profile')).toBe('0:00:00.052')
    expect(formatElapsed(2_384_280, 'profile')).toBe('0:39:44.280')
    expect(formatElapsed(3_725_000.6, 'profile')).toBe('1:02:05.001')
  })

  it('never prints a negative duration', () => {
    expect(formatElapsed(-5_000)).toBe('0m00s')
    expect(formatElapsed(-5_000, 'clock')).toBe('0:00')
  })
})
