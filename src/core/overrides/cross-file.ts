/**
 * Conflicts between override files planned together (issue 2): duplicate subcloud names, and overlapping routed
 * management (or admin), OAM and admin subnets. Subnets are sorted once and swept, so n files cost O(n log n) plus
 * the conflicts found, not n² comparisons.
 */
import {lastAddress, type Family} from '../net/cidr.js'
import {parseSubnetList} from './network-values.js'
import {positionOf} from './positions.js'
import type {Finding, LoadedOverrides} from './types.js'

interface Interval {
  family: Family
  low: bigint
  high: bigint
  text: string
  key: string
  /** What the network is used for: conflicts between two OAM subnets are only warnings. */
  role: 'routed' | 'oam' | 'local'
  loaded: LoadedOverrides
  name: string
}

export function findCrossFileConflicts(files: readonly LoadedOverrides[]): Finding[] {
  const findings: Finding[] = []
  const report = (
    loaded: LoadedOverrides,
    key: string,
    rule: string,
    message: string,
    severity: Finding['severity'],
  ) => {
    const {line, column} = positionOf(loaded, [key])
    findings.push({severity, rule, key, message, file: loaded.file, line, column})
  }

  const firstByName = new Map<string, LoadedOverrides>()
  for (const loaded of files) {
    const name = loaded.values.name
    if (typeof name !== 'string') continue
    const first = firstByName.get(name)
    if (!first) firstByName.set(name, loaded)
    else report(loaded, 'name', 'XFILE-NAME', `name ${name} is also used by ${first.file}`, 'error')
  }

  const intervals: Interval[] = []
  for (const loaded of files) {
    const values = loaded.values
    const name = typeof values.name === 'string' ? values.name : loaded.file
    const routedKey = values.admin_subnet !== undefined ? 'admin_subnet' : 'management_subnet'
    const keys: [string, Interval['role']][] = [
      [routedKey, 'routed'],
      ['external_oam_subnet', 'oam'],
    ]
    // With an admin network the management subnet stays on the site and may repeat between subclouds (Q9).
    if (routedKey === 'admin_subnet') keys.push(['management_subnet', 'local'])
    for (const [key, role] of keys) {
      for (const subnet of parseSubnetList(values[key]) ?? []) {
        intervals.push({
          family: subnet.family,
          low: subnet.network,
          high: lastAddress(subnet),
          text: subnet.typed,
          key,
          role,
          loaded,
          name,
        })
      }
    }
  }
  intervals.sort(
    (a, b) => a.family - b.family || (a.low < b.low ? -1 : a.low > b.low ? 1 : 0) || (a.high > b.high ? -1 : 1),
  )

  // Sweep: `open` holds the intervals that may still contain what comes next. CIDR blocks nest or are disjoint, so
  // the list is a chain of nested blocks and stays short.
  let open: Interval[] = []
  for (const current of intervals) {
    open = open.filter((candidate) => candidate.family === current.family && candidate.high >= current.low)
    for (const earlier of open) {
      if (earlier.loaded === current.loaded) continue
      const severity = conflictSeverity(earlier.role, current.role)
      if (!severity) continue
      report(
        current.loaded,
        current.key,
        'XFILE-OVERLAP',
        `${current.key} ${current.text} of ${current.name} overlaps ${earlier.key} ${earlier.text} of ${earlier.name} (${earlier.loaded.file})`,
        severity,
      )
    }
    open.push(current)
  }
  return findings
}

/** Routed subnets must be unique (the System Controller routes each one to one subcloud); OAM twins only warn. */
function conflictSeverity(a: Interval['role'], b: Interval['role']): Finding['severity'] | undefined {
  // A site-local management network (admin network in use) never leaves its site: it cannot clash.
  if (a === 'local' || b === 'local') return undefined
  if (a === 'oam' && b === 'oam') return 'warning'
  return 'error'
}
