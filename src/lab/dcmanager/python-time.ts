/**
 * dcmanager renders timestamps with Python's `str(datetime)` on naive UTC values:
 * `2026-02-25 18:28:43.715335` (space separator, microseconds, no zone). Clients print them verbatim.
 */
export function pythonTimestamp(date: Date = new Date()): string {
  const iso = date.toISOString() // 2026-02-25T18:28:43.715Z
  const micro = String(date.getUTCMilliseconds() * 1000 + Math.floor(Math.random() * 1000)).padStart(6, '0')
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)}.${micro}`
}

/** Keystone's ISO-8601 form with microseconds and a Z: `2026-01-01T12:00:00.000000Z`. */
export function keystoneTimestamp(date: Date): string {
  return date.toISOString().replace(/\.(\d{3})Z$/, '.$1000Z')
}
