import {Flags} from '@oclif/core'

import type {DcmanagerClient} from '../core/api/dcmanager-client.js'
import type {Subcloud} from '../core/api/dcmanager-types.js'
import type {SubcloudOutcome, SubcloudsProgress, SubcloudWatch} from '../core/flows/wait-for-subclouds.js'
import {escapeControl} from '../core/output/control-chars.js'
import {formatElapsed} from '../core/output/elapsed.js'
import {durationFlag} from './duration-flags.js'

/**
 * `--wait` for the day-2 commands (backup, restore, redeploy, prestage): the flags, and one call that follows the
 * subclouds through the core's waitForSubclouds with live progress on stderr (the status as one live line on a
 * terminal, a timestamped line per change otherwise, nothing with --quiet).
 */
export function waitFlags(what: string, defaultTimeout = 3600) {
  return {
    wait: Flags.boolean({description: `follow ${what} until it ends: exit 0 done, 1 failed, 4 timed out, 130 Ctrl-C`}),
    timeout: durationFlag({
      description: 'with --wait: seconds to wait before giving up (exit 4)',
      default: defaultTimeout,
      min: 1,
    }),
    'poll-interval': durationFlag({
      description: 'with --wait: milliseconds between status polls',
      default: 2000,
      min: 10,
      unit: 'milliseconds',
      hidden: true,
    }),
    quiet: Flags.boolean({char: 'q', description: 'with --wait: no progress output'}),
  }
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
  const {LiveRegion} = await import('../core/output/live-region.js')
  const {progressModeFor} = await import('../core/output/progress.js')
  const region = new LiveRegion(process.stderr, progressModeFor(process.stderr, Boolean(flags.quiet)))
  try {
    return await waitForSubclouds(client, subclouds, watch, {
      timeoutMs: flags.timeout * 1000,
      intervalMs: flags['poll-interval'],
      signal,
      onRetry: (error, ms) => debugLine(`status poll failed (${error.message}); retrying in ${ms} ms`),
      onProgress: (progress) => {
        if (region.mode === 'tty') region.update(describe(watch, progress))
        else if (progress.changed) region.line(`${new Date().toISOString()} ${describe(watch, progress)}`)
      },
    })
  } finally {
    region.clear()
  }
}

/** `sc1: backing-up, 0:12 elapsed`; several: `backup of 3 subclouds: 2 complete-central, 1 backing-up, ...`. */
function describe(watch: SubcloudWatch, progress: SubcloudsProgress): string {
  const elapsed = `${formatElapsed(progress.elapsedMs, 'clock')} elapsed`
  if (progress.states.length === 1) {
    const [only] = progress.states
    return `${escapeControl(only.name)}: ${escapeControl(only.state)}, ${elapsed}`
  }
  const counts = new Map<string, number>()
  for (const {state} of progress.states) counts.set(state, (counts.get(state) ?? 0) + 1)
  const summary = [...counts].map(([state, count]) => `${count} ${escapeControl(state)}`).join(', ')
  return `${watch.operation} of ${progress.states.length} subclouds: ${summary}, ${elapsed}`
}
