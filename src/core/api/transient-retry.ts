import {sleep} from '../duration.js'
import {ApiError} from './keystone.js'
import {isTransientTransportError} from './transport.js'

/**
 * A poll that follows long server-side work (`--wait`) must not give up on the first 500/503 or dropped
 * connection: the System Controller restarts services while a deployment goes on. Transient failures are retried
 * with backoff, never past the caller's deadline; everything else (404, 400, TLS, a refused token) fails at once.
 * One place, so every wait (deploy, strategies, backups) retries the same way.
 */
export function isTransientFailure(error: unknown): boolean {
  if (error instanceof ApiError) return error.status >= 500 && error.status <= 599
  return isTransientTransportError(error)
}

export interface RetryOptions {
  /** Epoch ms after which the last failure is thrown instead of retried. */
  deadline: number
  signal?: AbortSignal
  onAbort?: () => Error
  /** First delay (default 1 s), doubled per failure up to maxDelayMs (default 15 s). */
  initialDelayMs?: number
  maxDelayMs?: number
  /** Told about each retry (for --debug and progress lines). */
  onRetry?: (error: Error, delayMs: number) => void
  now?: () => number
}

export async function retryTransient<T>(operation: () => Promise<T>, options: RetryOptions): Promise<T> {
  const now = options.now ?? Date.now
  let delay = options.initialDelayMs ?? 1000
  for (;;) {
    try {
      return await operation()
    } catch (error) {
      const left = options.deadline - now()
      if (!isTransientFailure(error) || left <= 0 || options.signal?.aborted) throw error
      const wait = Math.min(delay, left)
      options.onRetry?.(error as Error, wait)
      await sleep(wait, options.signal, options.onAbort)
      delay = Math.min(delay * 2, options.maxDelayMs ?? 15_000)
    }
  }
}
