/**
 * SEM-KEYS-2: unknown keys are plain Ansible variables upstream, so a typo (`managment_subnet`) silently becomes
 * a default. dcm warns, and names the parameter the operator probably meant.
 */
import {OTHER_KNOWN_KEYS} from './parameters.js'

const EXPLAINED: Record<string, string> = {
  ntp_servers: 'NTP is not a bootstrap parameter: configure it after bootstrap with `system ntp-modify`',
}

/** The warning text for `key`, or undefined when the key is known. */
export function unknownKeyMessage(key: string, knownKeys: ReadonlySet<string>): string | undefined {
  if (knownKeys.has(key) || OTHER_KNOWN_KEYS.has(key)) return undefined
  const base = `unknown parameter ${key} (passed to Ansible as is)`
  if (EXPLAINED[key]) return `${base}; ${EXPLAINED[key]}`
  const guess = closest(key, knownKeys)
  return guess ? `${base}; did you mean ${guess}?` : base
}

/** The known key within a small edit distance (typos, not different words). */
function closest(key: string, knownKeys: ReadonlySet<string>): string | undefined {
  const limit = key.length <= 6 ? 1 : 2
  let best: string | undefined
  let bestDistance = limit + 1
  for (const candidate of knownKeys) {
    if (Math.abs(candidate.length - key.length) > limit) continue
    const distance = editDistance(key.toLowerCase(), candidate, bestDistance)
    if (distance < bestDistance) {
      best = candidate
      bestDistance = distance
    }
  }
  return best
}

/** Levenshtein distance, giving up (returning `cap`) once every path is at least `cap`. */
function editDistance(a: string, b: string, cap: number): number {
  let previous = Array.from({length: b.length + 1}, (_, index) => index)
  for (let i = 1; i <= a.length; i++) {
    const current = [i]
    let rowMin = i
    for (let j = 1; j <= b.length; j++) {
      const value = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1))
      current.push(value)
      rowMin = Math.min(rowMin, value)
    }
    if (rowMin >= cap) return cap
    previous = current
  }
  return previous[b.length]
}
