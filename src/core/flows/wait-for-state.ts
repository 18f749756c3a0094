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

export interface WaitForStateOptions<T> {
  fetch: () => Promise<T>
  stateOf: (value: T) => string
  /** 'done' ends the wait with the value, 'failed' throws `errors.failed`, undefined keeps polling. */
  finalState: (value: T) => FinalState | undefined
  errors: StateErrors<T>
  timeoutMs: number
  /** Between polls; default 2 s. */
  intervalMs?: number
  signal?: AbortSignal
  onProgress?: (progress: StateProgress<T>) => void
  now?: () => number
}

export async function waitForState<T>(options: WaitForStateOptions<T>): Promise<T> {
  const now = options.now ?? Date.now
  const started = now()
  const interval = options.intervalMs ?? 2000
  let previous: string | undefined
  for (;;) {
    if (options.signal?.aborted) throw options.errors.interrupted()
    const value = await options.fetch()
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

function sleep<T>(ms: number, signal: AbortSignal | undefined, errors: StateErrors<T>): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(errors.interrupted())
    const onAbort = () => {
      clearTimeout(timer)
      reject(errors.interrupted())
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, {once: true})
  })
}
