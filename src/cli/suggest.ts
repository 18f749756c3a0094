/**
 * "Did you mean ...?" for a mistyped command or flag: the shortest known name the typed one begins, else the
 * closest by edit distance when it is close enough to be the likely intent (a third of the typed length, at
 * least 2). Printed on a
 * terminal or not: a script's log deserves the hint as much as a person does.
 */
export function closest(typed: string, candidates: readonly string[]): string | undefined {
  // A truncated name (`--os-region` for `--os-region-name`) is far by edit distance but plainly meant.
  const extended = candidates.filter((candidate) => typed.length >= 3 && candidate.startsWith(typed))
  if (extended.length > 0) return extended.reduce((a, b) => (b.length < a.length ? b : a))
  let best: string | undefined
  let bestDistance = Number.POSITIVE_INFINITY
  for (const candidate of candidates) {
    const distance = editDistance(typed, candidate)
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance]
  }
  const allowed = Math.max(2, Math.floor(typed.length / 3))
  return bestDistance <= allowed ? best : undefined
}

/** Damerau-Levenshtein (optimal string alignment): a swapped pair of letters is one typo, not two. */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1
  const cols = b.length + 1
  const d: number[][] = Array.from({length: rows}, (_, i) =>
    Array.from({length: cols}, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  )
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1)
    }
  }
  return d[a.length][b.length]
}

/** The flag an operator probably meant, as `--name`, from the names (and aliases) a command accepts. */
export function suggestFlag(
  typed: string,
  flags: Record<string, {aliases?: string[]; hidden?: boolean}>,
): string | undefined {
  const name = typed.replace(/^-+/, '').split('=')[0]
  const names = Object.entries(flags)
    .filter(([, flag]) => !flag.hidden)
    .flatMap(([flagName, flag]) => [flagName, ...(flag.aliases ?? [])])
  const match = closest(name, names)
  return match === undefined ? undefined : `--${match}`
}
