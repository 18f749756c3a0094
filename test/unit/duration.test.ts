import {afterEach, describe, expect, jest, test} from '@jest/globals'

import {MAX_DURATION_SECONDS, MAX_TIMER_MS, parseDuration, setLongTimeout} from '../../src/core/duration.js'
import {UsageError} from '../../src/core/errors.js'

describe('parseDuration', () => {
  test('accepts whole numbers in range, refuses the rest naming the range', () => {
    expect(parseDuration('3600', '--timeout', {min: 1})).toBe(3600)
    expect(parseDuration(String(MAX_DURATION_SECONDS), '--timeout', {min: 1})).toBe(MAX_DURATION_SECONDS)
    for (const bad of ['0', '3000000', '-1', '1.5', '1e9', 'soon', '', ' '])
      expect(() => parseDuration(bad, '--timeout', {min: 1})).toThrow(
        new UsageError(`--timeout must be a whole number of seconds from 1 to ${MAX_DURATION_SECONDS}, not '${bad}'`),
      )
    expect(() => parseDuration(String(MAX_TIMER_MS + 1), '--poll', {min: 10, unit: 'milliseconds'})).toThrow(
      /milliseconds from 10 to 2147483647/,
    )
  })
})

describe('setLongTimeout', () => {
  afterEach(() => {
    jest.useRealTimers()
  })

  test('a delay beyond what one Node timer holds fires at its time, not after 1 ms', () => {
    jest.useFakeTimers()
    const fired = jest.fn()
    setLongTimeout(fired, MAX_TIMER_MS * 2 + 5)
    jest.advanceTimersByTime(1000)
    expect(fired).not.toHaveBeenCalled()
    jest.advanceTimersByTime(MAX_TIMER_MS)
    expect(fired).not.toHaveBeenCalled()
    jest.advanceTimersByTime(MAX_TIMER_MS)
    expect(fired).toHaveBeenCalledTimes(1)
  })

  test('cancel stops it; bad delays are refused', () => {
    jest.useFakeTimers()
    const fired = jest.fn()
    setLongTimeout(fired, 10).cancel()
    jest.advanceTimersByTime(100)
    expect(fired).not.toHaveBeenCalled()
    expect(() => setLongTimeout(fired, Number.NaN)).toThrow(RangeError)
    expect(() => setLongTimeout(fired, -1)).toThrow(RangeError)
  })
})
