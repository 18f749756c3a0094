import {UsageError} from './errors.js'

/**
 * Durations an operator chooses (flags such as --timeout, --request-timeout, environment values) reach Node's
 * timers, which hold at most 2^31-1 ms (~24.8 days): a larger delay silently fires after 1 ms. Every such
 * duration is checked against an explicit range here (exit 2 naming the range) and every timer that takes one
 * goes through `setLongTimeout`, which splits a longer delay into legal steps, so neither path can overflow.
 */
export const MAX_TIMER_MS = 2 ** 31 - 1
/** The longest duration in whole seconds a single Node timer can hold. */
export const MAX_DURATION_SECONDS = Math.floor(MAX_TIMER_MS / 1000)

export type DurationUnit = 'seconds' | 'milliseconds'

export interface DurationRange {
  min: number
  max?: number
  unit?: DurationUnit
}

/**
 * Parse an operator's duration text (a whole number in `unit`) within [min, max]; max defaults to what a timer
 * can hold. The error names the flag and the accepted range.
 */
export function parseDuration(text: string, name: string, range: DurationRange): number {
  const unit = range.unit ?? 'seconds'
  const max = range.max ?? (unit === 'seconds' ? MAX_DURATION_SECONDS : MAX_TIMER_MS)
  const trimmed = text.trim()
  const value = /^\d+$/.test(trimmed) ? Number(trimmed) : Number.NaN
  if (!Number.isSafeInteger(value) || value < range.min || value > max)
    throw new UsageError(`${name} must be a whole number of ${unit} from ${range.min} to ${max}, not '${text}'`)
  return value
}

export interface LongTimer {
  cancel(): void
}

/**
 * setTimeout for any delay: a delay above MAX_TIMER_MS is run as a chain of legal timers, so it fires at the
 * requested time instead of at once. Non-finite or negative delays are refused rather than guessed.
 */
export function setLongTimeout(callback: () => void, ms: number, options: {unref?: boolean} = {}): LongTimer {
  if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`timer delay must be a finite, non-negative number: ${ms}`)
  let timer: NodeJS.Timeout | undefined
  let cancelled = false
  const deadline = Date.now() + ms
  const arm = (remaining: number) => {
    timer = setTimeout(
      () => {
        if (cancelled) return
        const left = deadline - Date.now()
        if (remaining > MAX_TIMER_MS && left > 0) arm(left)
        else callback()
      },
      Math.min(remaining, MAX_TIMER_MS),
    )
    if (options.unref) timer.unref()
  }
  arm(ms)
  return {
    cancel() {
      cancelled = true
      clearTimeout(timer)
    },
  }
}

/** Sleep for `ms` (any length); rejects with `onAbort()` when the signal fires. */
export function sleep(
  ms: number,
  signal?: AbortSignal,
  onAbort: () => Error = () => new Error('aborted'),
): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(onAbort())
    const abort = () => {
      timer.cancel()
      reject(onAbort())
    }
    const timer = setLongTimeout(() => {
      signal?.removeEventListener('abort', abort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', abort, {once: true})
  })
}
