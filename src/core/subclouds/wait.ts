import type {DcmanagerClient} from '../api/dcmanager-client.js'
import type {Subcloud} from '../api/dcmanager-types.js'
import {InterruptedError, OperationError, TimeoutError} from '../errors.js'
import {addSteps, type AddPath, deployOutcome, stepOf} from './deploy-status.js'

/**
 * Follow a subcloud's deploy-status until it rests (`subcloud add --wait`). Emits a progress event for
 * every poll so the command can draw a live line (TTY) or print a line per change (not a TTY); the
 * library itself never prints.
 */
export interface DeployProgress {
  name: string
  status: string
  /** Changed since the previous event. */
  changed: boolean
  step?: number
  steps: number
  elapsedMs: number
}

export interface WaitOptions {
  timeoutMs: number
  intervalMs?: number
  path?: AddPath
  signal?: AbortSignal
  onProgress?: (progress: DeployProgress) => void
  now?: () => number
}

export async function waitForDeploy(client: DcmanagerClient, ref: string, options: WaitOptions): Promise<Subcloud> {
  const now = options.now ?? Date.now
  const started = now()
  const steps = addSteps(options.path)
  const interval = options.intervalMs ?? 2000
  let previous: string | undefined
  for (;;) {
    if (options.signal?.aborted) throw interrupted(ref)
    const subcloud = await client.subclouds.get(ref)
    const status = subcloud['deploy-status']
    const elapsedMs = now() - started
    options.onProgress?.({
      name: subcloud.name,
      status,
      changed: status !== previous,
      step: stepOf(status, steps),
      steps: steps.length,
      elapsedMs,
    })
    previous = status
    const outcome = deployOutcome(status)
    if (outcome === 'complete') return subcloud
    if (outcome === 'failed') {
      const description = (subcloud['error-description'] ?? '').trim()
      throw new OperationError(
        `subcloud ${subcloud.name} deployment failed: ${status}${
          description && description !== 'No errors present' ? `: ${description.split('\n')[0]}` : ''
        }`,
        {hint: `see 'dcm subcloud errors ${subcloud.name}' for the full error description`},
      )
    }
    if (elapsedMs >= options.timeoutMs) {
      throw new TimeoutError(
        `subcloud ${subcloud.name} is still ${status} after ${Math.round(options.timeoutMs / 1000)} s`,
        {
          hint: `the deployment continues on the System Controller; follow it with 'dcm subcloud show ${subcloud.name}'`,
        },
      )
    }
    await sleep(Math.min(interval, Math.max(0, options.timeoutMs - elapsedMs)), options.signal, ref)
  }
}

function sleep(ms: number, signal: AbortSignal | undefined, ref: string): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(interrupted(ref))
    const onAbort = () => {
      clearTimeout(timer)
      reject(interrupted(ref))
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal?.addEventListener('abort', onAbort, {once: true})
  })
}

function interrupted(ref: string): InterruptedError {
  return new InterruptedError(`stopped waiting for subcloud ${ref}`, {
    hint: `the deployment continues on the System Controller; follow it with 'dcm subcloud show ${ref}'`,
  })
}

/** `m:ss` for progress lines. */
export function formatElapsed(ms: number): string {
  const seconds = Math.floor(ms / 1000)
  return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`
}
