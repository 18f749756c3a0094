import {Flags} from '@oclif/core'

import {durationFlag} from './duration-flags.js'

/**
 * `--wait`, `--timeout`, `--quiet` (and the hidden poll interval) of a command that can follow what it started
 * through the one generic wait (src/core/flows/wait-for-state.ts): exit 0 done, 1 failed, 4 timeout, 130 Ctrl-C.
 */
export function waitFlags(what: string, defaultTimeoutSeconds = 3600, waitDescription?: string) {
  return {
    wait: Flags.boolean({description: waitDescription ?? `follow ${what}, with live progress on stderr`}),
    ...waitTimingFlags(defaultTimeoutSeconds),
    quiet: Flags.boolean({char: 'q', description: 'with --wait: no progress output'}),
  }
}

/** `--timeout` and the hidden `--poll-interval` of every `--wait` (commands whose --wait and -q read otherwise). */
export function waitTimingFlags(defaultTimeoutSeconds = 3600) {
  return {
    timeout: durationFlag({
      description: 'with --wait: seconds to wait before giving up (exit 4)',
      default: defaultTimeoutSeconds,
      min: 1,
    }),
    'poll-interval': durationFlag({
      description: 'with --wait: milliseconds between status polls',
      default: 2000,
      min: 10,
      unit: 'milliseconds',
      hidden: true,
    }),
  }
}

/**
 * Live progress of a wait on stderr through the shared reporter: the line redrawn in place on a terminal, a
 * timestamped line per change otherwise, nothing with --quiet or --json.
 */
export async function waitProgress(quiet: boolean) {
  const [{LiveRegion}, {progressModeFor}, {escapeControl}] = await Promise.all([
    import('../core/output/live-region.js'),
    import('../core/output/progress.js'),
    import('../core/output/control-chars.js'),
  ])
  const region = new LiveRegion(process.stderr, progressModeFor(process.stderr, quiet))
  return {
    update(text: string, changed: boolean) {
      if (region.mode === 'tty') region.update(escapeControl(text))
      else if (changed) region.line(`${new Date().toISOString()} ${escapeControl(text)}`)
    },
    end() {
      region.clear()
    },
  }
}
