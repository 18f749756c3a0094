import {Flags} from '@oclif/core'

import {type DurationUnit, MAX_DURATION_SECONDS, MAX_TIMER_MS, parseDuration} from '../core/duration.js'

/**
 * The one way a command declares a duration flag (--timeout, --request-timeout, --lldp-timeout, ...): a whole
 * number in a stated unit, checked against a range that a Node timer can hold (src/core/duration.ts), so that
 * `--timeout 3000000` is refused with exit 2 naming the range instead of firing after 1 ms.
 */
export interface DurationFlagOptions {
  description: string
  default: number
  min: number
  /** Defaults to the longest a timer can hold in `unit`. */
  max?: number
  unit?: DurationUnit
  helpGroup?: string
  hidden?: boolean
  env?: string
}

export function durationFlag(options: DurationFlagOptions) {
  const unit = options.unit ?? 'seconds'
  const max = options.max ?? (unit === 'seconds' ? MAX_DURATION_SECONDS : MAX_TIMER_MS)
  return Flags.custom<number>({
    description: `${options.description} (${options.min}-${max})`,
    default: options.default,
    helpGroup: options.helpGroup,
    hidden: options.hidden,
    env: options.env,
    helpValue: unit === 'seconds' ? 'SECONDS' : 'MS',
    parse: async (input, _context, flag) => parseDuration(input, `--${flag.name}`, {min: options.min, max, unit}),
  })()
}
