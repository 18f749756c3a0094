import type {DcmanagerClient} from '../api/dcmanager-client.js'
import type {Subcloud} from '../api/dcmanager-types.js'
import {InterruptedError, OperationError, TimeoutError} from '../errors.js'
import {addSteps, type AddPath, deployOutcome, stepOf} from '../subclouds/deploy-status.js'
import {type StateProgress, waitForState, type WaitTiming} from './wait-for-state.js'

/**
 * Follow a subcloud's deploy-status until it rests (`subcloud add --wait`, the add batch, the lab demo):
 * waitForState with the deploy-status meanings of dcmanager-api.md §3.2 and the add's happy path as
 * step numbers ("step 5 of 7").
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

export interface WaitOptions extends WaitTiming<DeployProgress> {
  path?: AddPath
}

export function waitForDeploy(client: DcmanagerClient, ref: string, options: WaitOptions): Promise<Subcloud> {
  const steps = addSteps(options.path)
  const keepFollowing = `the deployment continues on the System Controller; follow it with`
  return waitForState<Subcloud>({
    fetch: () => client.subclouds.get(ref),
    stateOf: (subcloud) => subcloud['deploy-status'],
    finalState: (subcloud) => {
      const outcome = deployOutcome(subcloud['deploy-status'])
      return outcome === 'complete' ? 'done' : outcome === 'failed' ? 'failed' : undefined
    },
    errors: {
      failed: (subcloud) => deployFailed(subcloud, 'deployment'),
      timedOut: (subcloud, timeoutMs) =>
        deployTimedOut(subcloud, timeoutMs, `${keepFollowing} 'dcm subcloud show ${subcloud.name}'`),
      interrupted: () =>
        new InterruptedError(`stopped waiting for subcloud ${ref}`, {
          hint: `${keepFollowing} 'dcm subcloud show ${ref}'`,
        }),
    },
    ...deployWaitSettings(options, steps),
  })
}

/** Exit 1 of a deploy-status wait: the state, and the first line of the error description. */
export function deployFailed(subcloud: Subcloud, what: string): OperationError {
  const description = (subcloud['error-description'] ?? '').trim()
  const detail = description && description !== 'No errors present' ? `: ${description.split('\n')[0]}` : ''
  return new OperationError(`subcloud ${subcloud.name} ${what} failed: ${subcloud['deploy-status']}${detail}`, {
    hint: `see 'dcm subcloud errors ${subcloud.name}' for the full error description`,
  })
}

export function deployTimedOut(subcloud: Subcloud, timeoutMs: number, hint: string): TimeoutError {
  return new TimeoutError(
    `subcloud ${subcloud.name} is still ${subcloud['deploy-status']} after ${Math.round(timeoutMs / 1000)} s`,
    {hint},
  )
}

/** What a deploy-status wait passes on to waitForState (shared with waitForPhase): timing, retries, progress. */
export function deployWaitSettings(options: Omit<WaitOptions, 'path'>, steps: string[]) {
  return {
    timeoutMs: options.timeoutMs,
    intervalMs: options.intervalMs,
    signal: options.signal,
    onRetry: options.onRetry,
    now: options.now,
    onProgress: options.onProgress
      ? (progress: StateProgress<Subcloud>) =>
          options.onProgress?.({
            name: progress.value.name,
            status: progress.state,
            changed: progress.changed,
            step: stepOf(progress.state, steps),
            steps: steps.length,
            elapsedMs: progress.elapsedMs,
          })
      : undefined,
  }
}
