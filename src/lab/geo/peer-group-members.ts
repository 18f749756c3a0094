import type {SubcloudRecord} from '../dcmanager/subcloud-model.js'
import type {PeerGroupRecord} from './geo-tables.js'

/**
 * Facts about the subclouds of a peer group that the API and the manager both read: the rehome data a member
 * carries (`{"saved_payload": {...bootstrap values, "bootstrap-address": ...}}`), which members a migrate takes,
 * and upstream's refusals for the others (subcloud-lifecycle.md §6.6).
 */
export const REHOME_READY_STATES = new Set(['secondary', 'rehome-failed', 'rehome-prep-failed'])
/** Peer copies the primary may update or delete during a sync. */
export const PEER_COPY_STATES = new Set(['secondary', 'secondary-failed', 'rehome-failed', 'rehome-prep-failed'])

export function savedPayload(record: SubcloudRecord): Record<string, unknown> | undefined {
  if (!record.rehomeData) return undefined
  try {
    const data = JSON.parse(record.rehomeData) as {saved_payload?: Record<string, unknown>}
    return data.saved_payload
  } catch {
    return undefined
  }
}

export function rehomeDataOf(payload: Record<string, unknown>): string {
  return JSON.stringify({saved_payload: payload})
}

/** The members a migrate takes, and the messages of those that stop it (in member order). */
export function readyToMigrate(
  members: SubcloudRecord[],
  group: PeerGroupRecord,
): {ready: SubcloudRecord[]; errors: string[]} {
  const ready: SubcloudRecord[] = []
  const errors: string[] = []
  for (const record of members) {
    if (!record.rehomeData) {
      errors.push(`Unable to migrate subcloud: ${record.name} required rehoming data is missing`)
      continue
    }
    let data: Record<string, unknown>
    try {
      data = JSON.parse(record.rehomeData) as Record<string, unknown>
    } catch {
      errors.push(`Unable to migrate subcloud: ${record.name} required rehoming data is missing`)
      continue
    }
    if (!('saved_payload' in data)) {
      errors.push(`Unable to migrate subcloud: ${record.name} saved_payload is missing in rehoming data`)
      continue
    }
    const payload = data.saved_payload as Record<string, unknown> | null
    if (!payload || Object.keys(payload).length === 0) {
      errors.push(`Unable to migrate subcloud: ${record.name} saved_payload is empty`)
      continue
    }
    if (!('bootstrap-address' in payload)) {
      errors.push(`Unable to migrate subcloud: ${record.name}, bootstrap-address is missing in rehoming data`)
      continue
    }
    if (record.deployStatus === 'pre-rehome' || record.deployStatus === 'rehoming') {
      errors.push(
        `Unable to migrate subcloud peer group ${group.peerGroupName}, subcloud ${record.name} already in rehoming process`,
      )
      continue
    }
    if (REHOME_READY_STATES.has(record.deployStatus)) ready.push(record)
  }
  return {ready, errors}
}

/** Python's `repr` of a list of strings: `['a', "it's"]`. */
export function pythonListRepr(items: string[]): string {
  const repr = (text: string) => {
    const quote = text.includes("'") && !text.includes('"') ? '"' : "'"
    const escaped = text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')
    return quote + (quote === "'" ? escaped.replace(/'/g, "\\'") : escaped) + quote
  }
  return `[${items.map(repr).join(', ')}]`
}
