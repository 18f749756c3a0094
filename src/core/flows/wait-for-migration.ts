import type {DcmanagerClient} from '../api/dcmanager-client.js'
import type {Subcloud} from '../api/dcmanager-types.js'
import type {SubcloudPeerGroup} from '../api/geo-types.js'
import {InterruptedError, OperationError, TimeoutError} from '../errors.js'
import {waitForState, type WaitTiming} from './wait-for-state.js'

/**
 * Follow `subcloud-peer-group migrate` until every subcloud it started is rehomed (`complete`) or failed
 * (`rehome-failed`, `rehome-prep-failed`), and the batch has ended (the group's `migration_status` is no longer
 * `migrating`: after `complete` the manager waits for each subcloud to come online and manages it).
 * subcloud-lifecycle.md §6.5-6.6.
 *
 * The migrate answer is the subclouds as stored before the batch starts, and the batch runs after the answer: a
 * subcloud that was `rehome-failed` (a second migrate) may still read `rehome-failed` on the first polls. Such a
 * state counts as final only once the subcloud has changed since (another state, or a newer `updated-at`: every
 * state change stamps it), or the batch was seen running and has ended.
 */
export const REHOMED = 'complete'
export const REHOME_FAILED = new Set(['rehome-failed', 'rehome-prep-failed'])

export interface MigrationSnapshot {
  group: SubcloudPeerGroup
  /** The subclouds the migrate started, as they are now (a subcloud no longer in the group is absent). */
  subclouds: Subcloud[]
  rehomed: string[]
  failed: Subcloud[]
  /** Still on their way (`secondary`, `rehome-pending`, `pre-rehome`, `rehoming`, or a stale failure). */
  pending: string[]
}

/** Some subclouds failed to rehome; carries the last look so the command can still list them. */
export class MigrationFailedError extends OperationError {
  constructor(
    message: string,
    readonly snapshot: MigrationSnapshot,
    hint: string,
  ) {
    super(message, {hint})
  }
}

export interface MigrationProgress {
  snapshot: MigrationSnapshot
  /** Counts changed since the previous poll. */
  changed: boolean
  elapsedMs: number
}

export type MigrationWaitOptions = WaitTiming<MigrationProgress>

export function waitForMigration(
  client: DcmanagerClient,
  groupRef: string,
  started: Subcloud[],
  options: MigrationWaitOptions,
): Promise<MigrationSnapshot> {
  const initial = new Map(started.map((subcloud) => [subcloud.name, stamp(subcloud)]))
  const moved = new Set<string>()
  let batchSeenRunning = false
  const keepFollowing = `the migration continues on the System Controller; follow it with 'dcm subcloud-peer-group status ${groupRef}'`

  const fetch = async (): Promise<MigrationSnapshot> => {
    const [group, members] = await Promise.all([
      client.subcloudPeerGroups.get(groupRef),
      client.subcloudPeerGroups.listSubclouds(groupRef),
    ])
    if (group.migration_status === 'migrating') batchSeenRunning = true
    const subclouds = members.filter((subcloud) => initial.has(subcloud.name))
    for (const subcloud of subclouds) if (stamp(subcloud) !== initial.get(subcloud.name)) moved.add(subcloud.name)
    const batchEnded = batchSeenRunning && group.migration_status !== 'migrating'
    const snapshot: MigrationSnapshot = {group, subclouds, rehomed: [], failed: [], pending: []}
    for (const subcloud of subclouds) {
      const status = subcloud['deploy-status']
      if (status === REHOMED) snapshot.rehomed.push(subcloud.name)
      else if (REHOME_FAILED.has(status) && (moved.has(subcloud.name) || batchEnded)) snapshot.failed.push(subcloud)
      else snapshot.pending.push(subcloud.name)
    }
    return snapshot
  }

  return waitForState<MigrationSnapshot>({
    fetch,
    stateOf: (s) => `${s.group.migration_status ?? 'none'} ${s.rehomed.length}/${s.failed.length}/${s.pending.length}`,
    finalState: (s) =>
      s.pending.length > 0 || s.group.migration_status === 'migrating'
        ? undefined
        : s.failed.length > 0
          ? 'failed'
          : 'done',
    errors: {
      failed: (s) =>
        new MigrationFailedError(
          `subcloud peer group ${groupRef}: ${s.failed.length} of ${s.subclouds.length} subclouds failed to rehome (${s.failed
            .map((subcloud) => `${subcloud.name}: ${subcloud['deploy-status']}`)
            .join(', ')})`,
          s,
          `see 'dcm subcloud errors <name>'; fix the cause and run 'dcm subcloud-peer-group migrate ${groupRef}' again`,
        ),
      timedOut: (s, timeoutMs) =>
        new TimeoutError(
          `subcloud peer group ${groupRef} is still migrating after ${Math.round(timeoutMs / 1000)} s (${s.pending.length} of ${s.subclouds.length} subclouds not rehomed yet)`,
          {hint: keepFollowing},
        ),
      interrupted: () =>
        new InterruptedError(`stopped waiting for subcloud peer group ${groupRef}`, {hint: keepFollowing}),
    },
    timeoutMs: options.timeoutMs,
    intervalMs: options.intervalMs,
    signal: options.signal,
    onRetry: options.onRetry,
    now: options.now,
    onProgress: options.onProgress
      ? (progress) =>
          options.onProgress?.({snapshot: progress.value, changed: progress.changed, elapsedMs: progress.elapsedMs})
      : undefined,
  })
}

/** What changes whenever the subcloud's state does. */
function stamp(subcloud: Subcloud): string {
  return `${subcloud['deploy-status']} ${subcloud['updated-at'] ?? ''}`
}
