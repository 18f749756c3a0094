import type {GeoTables, PeerGroupRecord, SyncStatus} from './geo-tables.js'

/**
 * What the dcmanager families of geo-redundancy (system-peers.ts, subcloud-peer-groups.ts,
 * peer-group-associations.ts) and the subcloud rules ask of the site's geo machinery: upstream's API process
 * hands these to the manager by RPC, the lab to `GeoSite` (geo-site.ts). "cast" methods return at once and work
 * in the background; the others answer when done.
 */
export interface LabGeo {
  readonly tables: GeoTables
  /** Write the state (the tables live in the lab store). */
  persist(): Promise<void>
  /** Cast: sync a primary association's peer group and subclouds to its peer (§6.4.2). */
  startSync(associationId: number): void
  /** Call: steps 1-7 and 10 of the sync (priority update); the association as stored after it. */
  syncGroupOnly(associationId: number): Promise<Record<string, unknown>>
  /** Rebuild the heartbeat monitors (one per system peer referenced by an association). */
  notifyMonitors(): void
  /** Call: push a peer group's name/state/max-rehoming change to the associated peers (by the old name). */
  pushPeerGroupUpdate(
    group: PeerGroupRecord,
    change: {peerGroupName?: string; groupState?: string; maxSubcloudRehoming?: number},
  ): Promise<{succeeded: number[]; failed: number[]}>
  /** Call: delete a primary association, cleaning the peer first (§6.4.4); the API's answer. */
  deletePrimaryAssociation(associationId: number): Promise<unknown>
  /** Cast: rehome the ready members of a peer group to this site (§6.6). */
  startMigrate(group: PeerGroupRecord, sysadminPassword: string): void
  /** Call: a peer's `/audit` of one of our peer groups (§6.7); the reply's message. */
  auditFromPeer(groupName: string, remote: Record<string, unknown>): Promise<string | null>
  /**
   * Call: mark every primary association of a peer group `to` (subcloud updates, gateway changes), pushing it to
   * the peers; the ids of the associations changed.
   */
  updateAssociationSyncStatus(peerGroupId: number, to: SyncStatus): Promise<number[]>
}

/** upstream's `generate_sync_info_message`. */
export function syncInfoMessage(associationIds: number[]): string | undefined {
  if (associationIds.length === 0) return undefined
  let message =
    'The operation has caused the SPG to be out-of-sync. Please run peer-group-association sync command to push ' +
    'the subcloud peer group changes to the peer site:\n'
  for (const id of associationIds) message += `$ dcmanager peer-group-association sync ${id}\n`
  return message
}

/** The User-Agent of requests one dcmanager sends another (`is_req_from_another_dc`). */
export const PEER_USER_AGENT = 'dcmanager/1.0'
