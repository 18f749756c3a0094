import type {DcmanagerClient} from '../api/dcmanager-client.js'
import type {PeerGroupAssociation} from '../api/geo-types.js'
import {InterruptedError, OperationError, TimeoutError} from '../errors.js'
import {waitForState, type StateProgress, type WaitTiming} from './wait-for-state.js'

/**
 * Follow a peer group association after `peer-group-association sync` until the sync rests
 * (subcloud-lifecycle.md §6.4.1): `in-sync` is done; `failed` is a failure with its sync-message; `out-of-sync`
 * and `unknown` (the peer went unreachable) also end it, since the sync no longer runs. `syncing` keeps waiting.
 */
export type SyncWaitOptions = WaitTiming<StateProgress<PeerGroupAssociation>>

export function waitForSync(
  client: DcmanagerClient,
  id: string,
  options: SyncWaitOptions,
): Promise<PeerGroupAssociation> {
  const keepFollowing = `the sync continues on the System Controller; follow it with 'dcm peer-group-association show ${id}'`
  return waitForState<PeerGroupAssociation>({
    fetch: () => client.peerGroupAssociations.get(id),
    stateOf: (association) => association['sync-status'],
    finalState: (association) => syncOutcome(association['sync-status']),
    errors: {
      failed: (association) => {
        const message = association['sync-message'] ? `: ${association['sync-message']}` : ''
        return new OperationError(`peer group association ${id} sync ended ${association['sync-status']}${message}`, {
          hint:
            association['sync-status'] === 'unknown'
              ? `the peer site is unreachable; 'dcm system-peer show ${association['system-peer-id']} --health' shows both sides`
              : `fix the cause, then run 'dcm peer-group-association sync ${id}' again`,
        })
      },
      timedOut: (association, timeoutMs) =>
        new TimeoutError(
          `peer group association ${id} is still ${association['sync-status']} after ${Math.round(timeoutMs / 1000)} s`,
          {hint: keepFollowing},
        ),
      interrupted: () =>
        new InterruptedError(`stopped waiting for peer group association ${id}`, {hint: keepFollowing}),
    },
    timeoutMs: options.timeoutMs,
    intervalMs: options.intervalMs,
    signal: options.signal,
    onProgress: options.onProgress,
    onRetry: options.onRetry,
    now: options.now,
  })
}

export function syncOutcome(status: string): 'done' | 'failed' | undefined {
  if (status === 'in-sync') return 'done'
  if (status === 'syncing') return undefined
  return 'failed'
}
