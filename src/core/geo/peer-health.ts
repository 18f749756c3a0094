import type {DcmanagerClient} from '../api/dcmanager-client.js'
import type {PeerGroupAssociation, SystemPeer} from '../api/geo-types.js'
import {ApiError} from '../api/keystone.js'
import type {SysinvSystem} from '../sysinv/types.js'

/**
 * `dcm system-peer show --health`: the heartbeat as both System Controllers see it. Each site keeps its own record
 * of the other (subcloud-lifecycle.md §6.1-6.2): this site's record of the peer says whether this site's monitor
 * reaches the peer; the peer's record of this site (found on the peer by this site's system UUID) says whether the
 * peer reaches back. Associations on both sides show what the heartbeat drives (sync status, §6.4.1). When the
 * peer cannot be reached or logged in to, its side says why instead; this side is still shown.
 */
export interface SiteView {
  /** The record this site keeps of the other one. */
  record?: SystemPeer
  associations: PeerGroupAssociation[]
  /** Why this side could not be read (the peer's side only). */
  error?: string
}

export interface PeerHealth {
  local: {system: SysinvSystem} & SiteView
  peer: SiteView
}

export interface HealthSources {
  local: DcmanagerClient
  /** This site's own system (sysinv `GET /v1/isystems`): its UUID is how the peer names this site. */
  localSystem: () => Promise<SysinvSystem>
  /** The peer's dcmanager, logged in with the peer record's endpoint and user (throws when unreachable). */
  connectPeer: (record: SystemPeer) => Promise<DcmanagerClient>
}

export async function peerHealth(ref: string, sources: HealthSources): Promise<PeerHealth> {
  const [record, system, localAssociations] = await Promise.all([
    sources.local.systemPeers.get(ref),
    sources.localSystem(),
    sources.local.peerGroupAssociations.list(),
  ])
  const local = {system, record, associations: localAssociations.filter((a) => a['system-peer-id'] === record.id)}
  let peer: SiteView
  try {
    const remote = await sources.connectPeer(record)
    const [recordOfUs, remoteAssociations] = await Promise.all([
      remote.systemPeers.get(system.uuid),
      remote.peerGroupAssociations.list(),
    ])
    peer = {
      record: recordOfUs,
      associations: remoteAssociations.filter((a) => a['system-peer-id'] === recordOfUs.id),
    }
  } catch (error) {
    const message = (error as Error).message
    const missing = error instanceof ApiError && error.status === 404
    peer = {
      associations: [],
      error: missing
        ? `the peer has no system peer for this site (UUID ${system.uuid}): add one there with 'dcm system-peer add'`
        : message,
    }
  }
  return {local, peer}
}

export const HEALTH_FIELDS = [
  'peer',
  'this site',
  'availability seen here',
  'availability seen by peer',
  'heartbeat here',
  'heartbeat at peer',
  'associations here',
  'associations at peer',
]

/** The show rows: one field per side, so the two views read side by side. */
export function healthRows(health: PeerHealth): Array<string | null> {
  const {local, peer} = health
  const record = local.record!
  const heartbeat = (p: SystemPeer) =>
    `every ${p['heartbeat-interval']} s, unavailable after ${p['heartbeat-failure-threshold']} failures, policy ${p['heartbeat-failure-policy']}`
  const associations = (list: PeerGroupAssociation[]) =>
    list.length === 0
      ? 'none'
      : list
          .map(
            (a) =>
              `${a.id}: peer group ${a['peer-group-id']} ${a['association-type']} ${a['sync-status']}${a['sync-message'] ? ` (${a['sync-message']})` : ''}`,
          )
          .join('\n')
  const unreachable = `unreachable: ${peer.error}`
  return [
    `${record['peer-name']} (${record['peer-uuid']})`,
    `${local.system.name} (${local.system.uuid})`,
    record['availability-state'],
    peer.record ? peer.record['availability-state'] : unreachable,
    heartbeat(record),
    peer.record ? heartbeat(peer.record) : unreachable,
    associations(local.associations),
    peer.record ? associations(peer.associations) : unreachable,
  ]
}
