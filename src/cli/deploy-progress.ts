import type {DeployProgress} from '../core/flows/wait-for-deploy.js'
import {escapeControl} from '../core/output/control-chars.js'
import {formatElapsed} from '../core/output/elapsed.js'

/**
 * Live progress on stderr through the shared reporter (src/core/output/live-region.ts): the deploy status as
 * the live line on a terminal, a timestamped line per change otherwise (always so for several subclouds).
 */
export async function deployProgress(quiet: boolean, live = true) {
  const {LiveRegion} = await import('../core/output/live-region.js')
  const {progressModeFor} = await import('../core/output/progress.js')
  const mode = progressModeFor(process.stderr, quiet)
  const region = new LiveRegion(process.stderr, live || mode !== 'tty' ? mode : 'plain')
  const describe = (p: DeployProgress) =>
    `${escapeControl(p.name)}: ${escapeControl(p.status)}${p.step ? ` (step ${p.step} of ${p.steps})` : ''}, ${formatElapsed(p.elapsedMs, 'clock')} elapsed`
  return {
    region,
    update(p: DeployProgress) {
      if (region.mode === 'tty') region.update(describe(p))
      else if (p.changed) region.line(`${new Date().toISOString()} ${describe(p)}`)
    },
    end() {
      region.clear()
    },
  }
}
