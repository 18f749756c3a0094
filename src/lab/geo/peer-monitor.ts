import type {AssociationRecord, GeoTables, SystemPeerRecord, SyncStatus} from './geo-tables.js'
import {PeerSiteClient} from './peer-client.js'

/**
 * The peer monitor (subcloud-lifecycle.md §6.2, §6.8): one heartbeat loop per system peer referenced by at least
 * one association. A check is a Keystone login at the peer and `GET /v1.0/subcloud-peer-groups` there; the first
 * runs at once, then one every `heartbeat-interval` (re-read each cycle; `unitMs` per interval second, so tests
 * and demos run the spec's 10 s minimum in a fraction of that). `heartbeat-failure-threshold` consecutive failures
 * make the peer `unavailable`, raise 280.004 and mark the primary associations unreachable; a success makes it
 * `available` again, clears the alarm and marks them reachable (pushed to the peer too). The failure policy
 * (`alarm|rehome|delegate`) has no behaviour, as upstream: rehoming is always the operator's migrate.
 */
export interface MonitorHooks {
  tables: GeoTables
  persist(): Promise<void>
  /** Groups of this peer to audit after a successful check (§6.7), given the remote groups seen. */
  auditGroups(
    peer: SystemPeerRecord,
    client: PeerSiteClient,
    remoteGroups: RemoteGroup[],
    required: boolean,
  ): Promise<void>
  /** Push a primary association's new status to the peer's non-primary copy. */
  pushSyncStatus(peer: SystemPeerRecord, association: AssociationRecord, status: SyncStatus): Promise<void>
}

export interface RemoteGroup {
  peer_group_name: string
  migration_status: string | null
  [key: string]: unknown
}

export const HEARTBEAT_ALARM = '280.004'

export class PeerMonitors {
  private readonly monitors = new Map<number, PeerMonitor>()

  constructor(
    private readonly hooks: MonitorHooks,
    private readonly unitMs: number,
  ) {}

  /** Start a monitor for every peer an association references; stop the others. */
  rebuild(): void {
    const wanted = new Set(this.hooks.tables.associations.map((association) => association.systemPeerId))
    for (const [peerId, monitor] of this.monitors) {
      if (!wanted.has(peerId) || !this.hooks.tables.systemPeerById(peerId)) {
        monitor.stop()
        this.monitors.delete(peerId)
      }
    }
    for (const peerId of wanted) {
      if (this.monitors.has(peerId) || !this.hooks.tables.systemPeerById(peerId)) continue
      const monitor = new PeerMonitor(peerId, this.hooks, this.unitMs)
      this.monitors.set(peerId, monitor)
      monitor.start()
    }
  }

  async stop(): Promise<void> {
    await Promise.all([...this.monitors.values()].map((monitor) => monitor.stop()))
    this.monitors.clear()
  }
}

class PeerMonitor {
  private failures = 0
  private auditRequired = false
  private timer?: NodeJS.Timeout
  private running?: Promise<void>
  private stopped = false
  private readonly aborter = new AbortController()

  constructor(
    private readonly peerId: number,
    private readonly hooks: MonitorHooks,
    private readonly unitMs: number,
  ) {}

  start(): void {
    this.schedule(0)
  }

  async stop(): Promise<void> {
    this.stopped = true
    this.aborter.abort()
    clearTimeout(this.timer)
    await this.running
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return
    this.timer = setTimeout(() => {
      this.running = this.cycle().finally(() => {
        this.running = undefined
        const peer = this.hooks.tables.systemPeerById(this.peerId)
        if (peer) this.schedule(peer.heartbeatInterval * this.unitMs)
      })
    }, delayMs)
    this.timer.unref()
  }

  private async cycle(): Promise<void> {
    const peer = this.hooks.tables.systemPeerById(this.peerId)
    if (!peer || this.stopped) return
    const client = new PeerSiteClient(peer, this.aborter.signal)
    let remoteGroups: RemoteGroup[]
    try {
      const body = (await client.dcmanager('GET', '/subcloud-peer-groups')) as {subcloud_peer_groups?: RemoteGroup[]}
      remoteGroups = body.subcloud_peer_groups ?? []
    } catch {
      if (!this.stopped) await this.failed(peer)
      return
    }
    if (!this.stopped) await this.succeeded(peer, client, remoteGroups)
  }

  private async failed(peer: SystemPeerRecord): Promise<void> {
    this.failures++
    if (this.failures < peer.heartbeatFailureThreshold) return
    this.failures = 0
    this.auditRequired = true
    const {tables} = this.hooks
    const led = tables.peerGroups.filter((group) => group.systemLeaderId === peer.peerUuid)
    tables.raiseAlarm(
      led.length > 0
        ? {
            alarmId: HEARTBEAT_ALARM,
            entity: `peer=${peer.peerUuid}`,
            severity: 'critical',
            text: `Peer ${peer.peerName} (peer_uuid=${peer.peerUuid}) is in disconnected state. The following subcloud peer groups are impacted: ${led.map((group) => group.peerGroupName).join(', ')}.`,
          }
        : {
            alarmId: HEARTBEAT_ALARM,
            entity: `peer=${peer.peerUuid}`,
            severity: 'major',
            text: `Peer ${peer.peerName} (peer_uuid=${peer.peerUuid}) connections in disconnected state.`,
          },
    )
    if (peer.availabilityState !== 'unavailable') tables.updateSystemPeer(peer.id, {availabilityState: 'unavailable'})
    for (const association of tables.associationsOfPeer(peer.id)) {
      if (association.associationType !== 'primary') continue
      const to = UNREACHABLE[association.syncStatus]
      if (!to) continue
      tables.updateAssociation(association.id, {
        syncStatus: to,
        syncMessage: to === 'failed' ? `Peer site (${peer.peerName}) is unreachable.` : association.syncMessage,
      })
    }
    await this.hooks.persist().catch(() => undefined)
  }

  private async succeeded(peer: SystemPeerRecord, client: PeerSiteClient, remoteGroups: RemoteGroup[]) {
    this.failures = 0
    const required = this.auditRequired
    this.auditRequired = false
    await this.hooks.auditGroups(peer, client, remoteGroups, required).catch(() => undefined)
    if (peer.availabilityState === 'available') return
    const {tables} = this.hooks
    tables.updateSystemPeer(peer.id, {availabilityState: 'available'})
    tables.clearAlarm(HEARTBEAT_ALARM, `peer=${peer.peerUuid}`)
    const changed: Array<[AssociationRecord, SyncStatus]> = []
    for (const association of tables.associationsOfPeer(peer.id)) {
      if (association.associationType !== 'primary') continue
      const to = REACHABLE[association.syncStatus]
      if (!to) continue
      changed.push([tables.updateAssociation(association.id, {syncStatus: to, syncMessage: 'None'}), to])
    }
    await this.hooks.persist().catch(() => undefined)
    for (const [association, to] of changed) {
      await this.hooks.pushSyncStatus(peer, association, to).catch(() => undefined)
    }
  }
}

/** §6.4.1: a primary association when its peer becomes unreachable (`unknown` stays). */
const UNREACHABLE: Partial<Record<SyncStatus, SyncStatus>> = {
  'in-sync': 'unknown',
  'out-of-sync': 'failed',
  syncing: 'failed',
  failed: 'failed',
}

/** ... and reachable again. */
const REACHABLE: Partial<Record<SyncStatus, SyncStatus>> = {
  unknown: 'in-sync',
  failed: 'out-of-sync',
}
