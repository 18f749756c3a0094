import type {DcmanagerClient} from '../core/api/dcmanager-client.js'
import type {Subcloud} from '../core/api/dcmanager-types.js'
import type {SubcloudOutcome, SubcloudsProgress, SubcloudWatch} from '../core/flows/wait-for-subclouds.js'
import {formatElapsed} from '../core/output/elapsed.js'
import {waitFlags as sharedWaitFlags, waitProgress} from './wait-flags.js'

/**
 * `--wait` for the day-2 commands (backup, restore, redeploy, prestage): the flags, and one call that follows the
 * subclouds through the core's waitForSubclouds with the shared live progress on stderr (waitProgress). The
 * flags are the shared set (wait-flags.ts) with their own --wait text.
 */
export function waitFlags(what: string, defaultTimeout = 3600) {
  return sharedWaitFlags(
    what,
    defaultTimeout,
    `follow ${what} until it ends: exit 0 done, 1 failed, 4 timed out, 130 Ctrl-C`,
  )
}

export interface WaitFlagValues {
  timeout: number
  'poll-interval': number
  quiet?: boolean
}

export async function followSubclouds(
  client: DcmanagerClient,
  subclouds: Subcloud[],
  watch: SubcloudWatch,
  flags: WaitFlagValues,
  signal: AbortSignal,
  debugLine: (line: string) => void,
): Promise<SubcloudOutcome[]> {
  const {waitForSubclouds} = await import('../core/flows/wait-for-subclouds.js')
  const progress = await waitProgress(Boolean(flags.quiet))
  try {
    return await waitForSubclouds(client, subclouds, watch, {
      timeoutMs: flags.timeout * 1000,
      intervalMs: flags['poll-interval'],
      signal,
      onRetry: (error, ms) => debugLine(`status poll failed (${error.message}); retrying in ${ms} ms`),
      onProgress: (event) => progress.update(describe(watch, event), event.changed),
    })
  } finally {
    progress.end()
  }
}

/** (waitProgress escapes control characters in the whole line.) `sc1: backing-up, 0:12 elapsed`; several: `backup of 3 subclouds: 2 complete-central, 1 backing-up, ...`. */
function describe(watch: SubcloudWatch, progress: SubcloudsProgress): string {
  const elapsed = `${formatElapsed(progress.elapsedMs, 'clock')} elapsed`
  if (progress.states.length === 1) {
    const [only] = progress.states
    return `${only.name}: ${only.state}, ${elapsed}`
  }
  const counts = new Map<string, number>()
  for (const {state} of progress.states) counts.set(state, (counts.get(state) ?? 0) + 1)
  const summary = [...counts].map(([state, count]) => `${count} ${state}`).join(', ')
  return `${watch.operation} of ${progress.states.length} subclouds: ${summary}, ${elapsed}`
}
