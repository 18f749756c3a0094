/**
 * The one elapsed-time formatter. Each style is a format an operator already knows from somewhere,
 * so the same duration reads the way its surrounding output expects:
 * - `units`   `0m07s`, `1h02m05s`: the bootstrap progress line and its summary
 * - `clock`   `m:ss`: the `--wait` deploy progress line (minutes keep counting past 59)
 * - `profile` `H:MM:SS.mmm`: ansible's profile_tasks timing lines (the lab's bootstrap transcript)
 */
export type ElapsedStyle = 'units' | 'clock' | 'profile'

export function formatElapsed(ms: number, style: ElapsedStyle = 'units'): string {
  const total = Math.max(0, style === 'profile' ? Math.round(ms) : Math.floor(ms / 1000) * 1000)
  const hours = Math.floor(total / 3_600_000)
  const minutes = Math.floor((total % 3_600_000) / 60_000)
  const seconds = pad2(Math.floor((total % 60_000) / 1000))
  switch (style) {
    case 'clock':
      return `${Math.floor(total / 60_000)}:${seconds}`
    case 'profile':
      return `${hours}:${pad2(minutes)}:${seconds}.${String(total % 1000).padStart(3, '0')}`
    case 'units':
      return hours > 0 ? `${hours}h${pad2(minutes)}m${seconds}s` : `${minutes}m${seconds}s`
  }
}

function pad2(value: number): string {
  return String(value).padStart(2, '0')
}
