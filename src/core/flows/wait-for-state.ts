import {isTransientFailure, retryTransient} from '../api/transient-retry.js'
import {sleep as sleepFor} from '../duration.js'
import {TimeoutError} from '../errors.js'

/**
 * Poll a resource until it reaches a final state: a subcloud's deploy status today, a strategy's,
 * backup's or prestage's state next. The caller says how to fetch the resource, what its state is,
 * which states are final (and whether that is success), and what to say when it fails, times out or
 * is interrupted; this owns the loop, the clock, the sleep that an abort signal cuts short, and the
 * progress events (one per poll, so a command can redraw a live line or print a line per change).
 * It never prints.
 */
export type FinalState = 'done' | 'failed'

export interface StateProgress<T> {
  value: T
  state: string
  /** Differs from the previous poll's state (always true on the first poll). */
  changed: boolean
  elapsedMs: number
}

export interface StateErrors<T> {
  /** The resource reached a failed final state. */
  failed: (value: T) => Error
  /** Still not final after `timeoutMs`. */
  timedOut: (value: T, timeoutMs: number) => Error
  /** The signal aborted the wait. */
  interrupted: () => Error
}

/** How a wait is timed and followed: the same for every wait built on waitForState; `P` is what it reports. */
export interface WaitTiming<P> {
  timeoutMs: number
  /** Between polls; default 2 s. */
  intervalMs?: number
  signal?: AbortSignal
  onProgress?: (progress: P) => void
  /** A poll failed transiently (5xx, dropped connection) and is retried after delayMs (for --debug). */
  onRetry?: (error: Error, delayMs: number) => void
  now?: () => number
}

export interface WaitForStateOptions<T> extends WaitTiming<StateProgress<T>> {
  fetch: () => Promise<T>
  stateOf: (value: T) => string
  /** 'done' ends the wait with the value, 'failed' throws `errors.failed`, undefined keeps polling. */
  finalState: (value: T) => FinalState | undefined
  errors: StateErrors<T>
}

export async function waitForState<T>(options: WaitForStateOptions<T>): Promise<T> {
  const now = options.now ?? Date.now
  const started = now()
  const interval = options.intervalMs ?? 2000
  let previous: string | undefined
  for (;;) {
    if (options.signal?.aborted) throw options.errors.interrupted()
    const value = await pollOnce(options, started + options.timeoutMs, now)
    const state = options.stateOf(value)
    const elapsedMs = now() - started
    options.onProgress?.({value, state, changed: state !== previous, elapsedMs})
    previous = state
    const final = options.finalState(value)
    if (final === 'done') return value
    if (final === 'failed') throw options.errors.failed(value)
    if (elapsedMs >= options.timeoutMs) throw options.errors.timedOut(value, options.timeoutMs)
    await sleep(Math.min(interval, Math.max(0, options.timeoutMs - elapsedMs)), options.signal, options.errors)
  }
}

/**
 * One poll, outlasting 5xx answers and dropped connections within the wait's timeout (the System Controller
 * restarts its services while long work goes on); still failing at the deadline is a timeout (exit 4).
 */
async function pollOnce<T>(options: WaitForStateOptions<T>, deadline: number, now: () => number): Promise<T> {
  try {
    return await retryTransient(options.fetch, {
      deadline,
      signal: options.signal,
      onAbort: () => options.errors.interrupted(),
      initialDelayMs: Math.min(1000, options.intervalMs ?? 2000),
      onRetry: options.onRetry,
      now,
    })
  } catch (error) {
    if (!isTransientFailure(error)) throw error
    throw new TimeoutError(
      `no usable answer from the System Controller within ${Math.round(options.timeoutMs / 1000)} s (last: ${(error as Error).message})`,
      {hint: 'the work may continue on the System Controller; follow it with the matching show command'},
    )
  }
}

function sleep<T>(ms: number, signal: AbortSignal | undefined, errors: StateErrors<T>): Promise<void> {
  return sleepFor(ms, signal, () => errors.interrupted())
}
