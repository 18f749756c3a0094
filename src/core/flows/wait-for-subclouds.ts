import type {DcmanagerClient} from '../api/dcmanager-client.js'
import type {Subcloud} from '../api/dcmanager-types.js'
import {InterruptedError, OperationError, TimeoutError} from '../errors.js'
import {type FinalState, waitForState, type WaitTiming} from './wait-for-state.js'

/**
 * Follow one or several subclouds through a day-2 operation (backup, restore, redeploy, prestage) until each one
 * rests: waitForState over the subclouds' records, with what the operation's field means (subcloud-states.ts).
 * One subcloud is read with `GET /subclouds/{id}`, several with one list per poll. The wait ends when every
 * subcloud has a final value; the caller decides what a failed one means (exit 1, or a row of a summary table).
 */
export type SubcloudField = 'backup-status' | 'prestage-status' | 'deploy-status'

export interface SubcloudWatch {
  /** Named in messages: `backup`, `restore`, `redeploy`, `prestage`. */
  operation: string
  field: SubcloudField
  /** 'done' or 'failed' for a final value, undefined while it moves. */
  outcome: (value: string | null | undefined) => FinalState | undefined
  /**
   * When the request's answer may show the value from before the request (backup create, restore: the work is
   * cast), a final value counts only once the subcloud was seen moving, or when this says it is a new result.
   * Absent: every final value counts (the answer already stored the new operation's first state).
   */
  isNewResult?: (before: Subcloud, now: Subcloud) => boolean
}

export interface SubcloudOutcome {
  subcloud: Subcloud
  outcome: FinalState
}

export interface SubcloudsProgress {
  states: Array<{name: string; state: string}>
  /** Any state differs from the previous poll's (always true on the first). */
  changed: boolean
  elapsedMs: number
}

export type WaitForSubcloudsOptions = WaitTiming<SubcloudsProgress>

export async function waitForSubclouds(
  client: DcmanagerClient,
  before: Subcloud[],
  watch: SubcloudWatch,
  options: WaitForSubcloudsOptions,
): Promise<SubcloudOutcome[]> {
  const ids = before.map((subcloud) => subcloud.id)
  const seenMoving = new Set<number>()
  let latest = before
  const valueOf = (subcloud: Subcloud) => subcloud[watch.field] ?? null
  const settled = (subcloud: Subcloud, index: number): FinalState | undefined => {
    const outcome = watch.outcome(valueOf(subcloud))
    if (outcome === undefined) {
      seenMoving.add(subcloud.id)
      return undefined
    }
    if (!watch.isNewResult || seenMoving.has(subcloud.id) || watch.isNewResult(before[index], subcloud)) return outcome
    return undefined
  }
  const fetch = async (): Promise<Subcloud[]> => {
    if (ids.length === 1) return [await client.subclouds.get(String(ids[0]))]
    const byId = new Map((await client.subclouds.list()).map((subcloud) => [subcloud.id, subcloud]))
    // A subcloud that left the list (deleted meanwhile) keeps its last known record.
    return latest.map((previous) => byId.get(previous.id) ?? previous)
  }
  const outcomes: Array<FinalState | undefined> = []
  const names = before.map((subcloud) => subcloud.name).join(', ')
  const follow = (ref: string) =>
    `the ${watch.operation} continues on the System Controller; follow it with 'dcm subcloud show ${ref}'`
  await waitForState<Subcloud[]>({
    fetch,
    stateOf: (subclouds) => subclouds.map((subcloud) => `${subcloud.name}=${valueOf(subcloud)}`).join(' '),
    finalState: (subclouds) => {
      latest = subclouds
      subclouds.forEach((subcloud, index) => (outcomes[index] = settled(subcloud, index)))
      return outcomes.every((outcome) => outcome !== undefined) ? 'done' : undefined
    },
    errors: {
      // Never called: the wait ends 'done' once every subcloud rests, and the caller judges the outcomes.
      failed: () => new OperationError(`${watch.operation} failed`),
      timedOut: (subclouds, timeoutMs) => {
        const moving = subclouds.filter((_, index) => outcomes[index] === undefined)
        const what = moving.map((subcloud) => `${subcloud.name} is ${valueOf(subcloud) ?? 'None'}`).join(', ')
        return new TimeoutError(`${watch.operation} not finished after ${Math.round(timeoutMs / 1000)} s: ${what}`, {
          hint: follow(moving[0]?.name ?? names),
        })
      },
      interrupted: () =>
        new InterruptedError(`stopped waiting for the ${watch.operation} of ${names}`, {
          hint: follow(before.length === 1 ? names : '<name>'),
        }),
    },
    timeoutMs: options.timeoutMs,
    intervalMs: options.intervalMs,
    signal: options.signal,
    onRetry: options.onRetry,
    now: options.now,
    onProgress: options.onProgress
      ? (progress) =>
          options.onProgress?.({
            states: progress.value.map((subcloud) => ({name: subcloud.name, state: valueOf(subcloud) ?? 'None'})),
            changed: progress.changed,
            elapsedMs: progress.elapsedMs,
          })
      : undefined,
  })
  return latest.map((subcloud, index) => ({subcloud, outcome: outcomes[index] as FinalState}))
}

/** The exit-1 error of one failed subcloud: the final value named, with the first line of its error description. */
export function operationFailed(watch: SubcloudWatch, subcloud: Subcloud): OperationError {
  return new OperationError(
    `subcloud ${subcloud.name} ${watch.operation} failed: ${subcloud[watch.field] ?? 'None'}${errorDetail(subcloud)}`,
    {hint: `see 'dcm subcloud errors ${subcloud.name}' for the full error description`},
  )
}

/** The exit-1 error of a group where some subclouds failed (after the summary table), or undefined. */
export function groupFailure(watch: SubcloudWatch, outcomes: SubcloudOutcome[]): OperationError | undefined {
  const failed = outcomes.filter((entry) => entry.outcome === 'failed').map((entry) => entry.subcloud.name)
  if (failed.length === 0) return undefined
  return new OperationError(
    `${watch.operation} failed for ${failed.length} of ${outcomes.length} subclouds: ${failed.join(', ')}`,
    {hint: `see 'dcm subcloud errors <name>' for a subcloud's full error description`},
  )
}

/** `: <first line of error-description>`, or nothing when there is none. */
export function errorDetail(subcloud: Subcloud): string {
  const description = (subcloud['error-description'] ?? '').trim()
  return description && description !== 'No errors present' ? `: ${description.split('\n')[0]}` : ''
}
