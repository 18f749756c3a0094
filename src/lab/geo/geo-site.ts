import type {LabSystemController} from '../lab-config.js'
import type {LabStore} from '../lab-store.js'
import {remoteAssociationOf, syncAssociation} from './association-sync.js'
import {associationToApi} from './geo-api.js'
import {GeoTables, type PeerGroupRecord, type SyncStatus} from './geo-tables.js'
import type {LabGeo} from './lab-geo.js'
import {PeerSiteClient} from './peer-client.js'
import {auditPeerGroup, type RemoteGroupView} from './peer-group-audit.js'
import {migratePeerGroup} from './peer-group-migrate.js'
import {PEER_COPY_STATES} from './peer-group-members.js'
import {PeerMonitors, type RemoteGroup} from './peer-monitor.js'

/**
 * One lab site's geo-redundancy machinery, what upstream's dcmanager-manager does behind the API: the heartbeat
 * monitors, association syncs, peer group migrations and audits, each talking to the peer site over its REST
 * API. The API families call it through `LabGeo`. Started with the lab; `stop()` ends the loops and waits for
 * the work in flight (which a restart finds in its failure state, as upstream's manager leaves it).
 */
export interface GeoTiming {
  /** Milliseconds per second of `heartbeat-interval` (1000 = real time; tests use less). */
  heartbeatUnitMs: number
  /** Each simulated rehome state, ms. */
  rehomeStepMs: number
  /** How long a rehomed subcloud may take to come online, ms. */
  onlineTimeoutMs: number
}

export interface GeoSiteOptions {
  store: LabStore
  systemController: LabSystemController
  /** The name of a new site's system (`dcm lab start --site NAME`); an existing site keeps its own. */
  siteName?: string
  timing: GeoTiming
}

export class GeoSite implements LabGeo {
  readonly tables: GeoTables
  /** Subclouds whose next rehome here fails, with the playbook's reason (tests, `dcm lab subcloud set`). */
  readonly rehomeFaults = new Map<string, string>()
  private readonly monitors: PeerMonitors
  private readonly work = new Set<Promise<unknown>>()
  private readonly aborter = new AbortController()
  private migrating = false
  /** A new identity to write at start. */
  private readonly created: boolean

  constructor(private readonly options: GeoSiteOptions) {
    this.tables = new GeoTables(options.store)
    this.created = this.tables.ensure(options.siteName)
    this.monitors = new PeerMonitors(
      {
        tables: this.tables,
        persist: () => this.persist(),
        auditGroups: (peer, client, remoteGroups, required) =>
          this.auditFromMonitor(peer, client, remoteGroups, required),
        pushSyncStatus: async (peer, association, status) => {
          const group = this.tables.peerGroupById(association.peerGroupId)
          if (!group) return
          const client = new PeerSiteClient(peer)
          const remoteId = await remoteAssociationOf(client, this.tables.system.uuid, group.peerGroupName)
          if (remoteId !== undefined) {
            await client.dcmanager('PATCH', `/peer-group-associations/${remoteId}`, {sync_status: status})
          }
        },
      },
      options.timing.heartbeatUnitMs,
    )
  }

  /** Recover what a stop interrupted (§1.2), then start the monitors. */
  async start(): Promise<void> {
    let changed = this.created
    for (const association of this.tables.associations) {
      if (association.syncStatus === 'syncing') {
        this.tables.updateAssociation(association.id, {
          syncStatus: 'failed',
          syncMessage: 'Service restart during syncing',
        })
        changed = true
      }
    }
    for (const group of this.tables.peerGroups) {
      // A migration the stop cut short: its members were flipped to rehome failures by the store.
      if (group.migrationStatus === 'migrating') {
        this.tables.updatePeerGroup(group.id, {migrationStatus: 'complete'})
        changed = true
      }
    }
    if (changed) await this.persist()
    this.monitors.rebuild()
  }

  async stop(): Promise<void> {
    this.aborter.abort()
    await this.monitors.stop()
    await Promise.allSettled([...this.work])
  }

  persist(): Promise<void> {
    return this.options.store.persist()
  }

  notifyMonitors(): void {
    if (!this.aborter.signal.aborted) this.monitors.rebuild()
  }

  startSync(associationId: number): void {
    this.track(syncAssociation(this.syncParts(), associationId))
  }

  async syncGroupOnly(associationId: number): Promise<Record<string, unknown>> {
    const association = await syncAssociation(this.syncParts(), associationId, {groupOnly: true})
    return associationToApi(association)
  }

  async pushPeerGroupUpdate(
    group: PeerGroupRecord,
    change: {peerGroupName?: string; groupState?: string; maxSubcloudRehoming?: number},
  ): Promise<{succeeded: number[]; failed: number[]}> {
    const succeeded: number[] = []
    const failed: number[] = []
    const body: Record<string, unknown> = {}
    if (change.peerGroupName !== undefined) body['peer-group-name'] = change.peerGroupName
    if (change.groupState !== undefined) body['group-state'] = change.groupState
    if (change.maxSubcloudRehoming !== undefined) body['max-subcloud-rehoming'] = change.maxSubcloudRehoming
    for (const association of this.tables.associationsOfGroup(group.id)) {
      const peer = this.tables.systemPeerById(association.systemPeerId)
      if (!peer || peer.availabilityState !== 'available') {
        failed.push(association.systemPeerId)
        continue
      }
      try {
        await new PeerSiteClient(peer).dcmanager('PATCH', `/subcloud-peer-groups/${group.peerGroupName}`, body)
        succeeded.push(peer.id)
      } catch {
        failed.push(peer.id)
      }
    }
    return {succeeded, failed}
  }

  async deletePrimaryAssociation(associationId: number): Promise<unknown> {
    const {tables} = this
    const association = tables.associationById(associationId)
    const group = association && tables.peerGroupById(association.peerGroupId)
    const peer = association && tables.systemPeerById(association.systemPeerId)
    const dropLocal = async () => {
      tables.deleteAssociation(associationId)
      await this.persist()
      this.notifyMonitors()
      return null
    }
    if (!association || !group || !peer) return dropLocal()
    const client = new PeerSiteClient(peer)
    // An unreachable peer is a 422 with the connection error; nothing is deleted.
    const system = await client.system()
    if (system.uuid.toLowerCase() !== peer.peerUuid.toLowerCase()) return dropLocal()
    let remoteGroup: {id: number; group_priority: number}
    try {
      remoteGroup = (await client.dcmanager(
        'GET',
        `/subcloud-peer-groups/${group.peerGroupName}`,
      )) as typeof remoteGroup
    } catch (error) {
      if ((error as {status?: number}).status === 404) return dropLocal()
      throw error
    }
    if (remoteGroup.group_priority === 0) throw new Error('Subcloud Peer group of peer site has wrong priority 0.')
    const members = (await client.dcmanager('GET', `/subcloud-peer-groups/${remoteGroup.id}/subclouds`)) as {
      subclouds: Array<{name: string; 'deploy-status': string}>
    }
    const failedNames: string[] = []
    for (const copy of members.subclouds) {
      if (!PEER_COPY_STATES.has(copy['deploy-status'])) continue
      try {
        await client.dcmanager('DELETE', `/subclouds/${copy.name}`)
      } catch {
        failedNames.push(copy.name)
      }
    }
    if (failedNames.length > 0) {
      tables.updateAssociation(associationId, {
        syncStatus: 'failed',
        syncMessage: `Deletion of [${failedNames.join(', ')}] from the Subcloud Peer Group: ${group.peerGroupName} on the peer site '${peer.peerName}' failed.`,
      })
      await this.persist()
      return null
    }
    const remoteAssociation = await remoteAssociationOf(client, tables.system.uuid, group.peerGroupName)
    if (remoteAssociation !== undefined) {
      await client.dcmanager('DELETE', `/peer-group-associations/${remoteAssociation}`)
    }
    try {
      await client.dcmanager('DELETE', `/subcloud-peer-groups/${group.peerGroupName}`)
    } catch {
      const message = `Subcloud Peer Group ${group.peerGroupName} delete failed as it is associated with system peer on peer site '${peer.peerName}'`
      tables.updateAssociation(associationId, {syncStatus: 'failed', syncMessage: message})
      await this.persist()
      throw new Error(message)
    }
    return dropLocal()
  }

  startMigrate(group: PeerGroupRecord, sysadminPassword: string): void {
    // A second batch while one runs is ignored by the manager (the API still answered 200).
    if (this.migrating) return
    this.migrating = true
    const timing = this.options.timing
    this.track(
      migratePeerGroup(
        {
          store: this.options.store,
          tables: this.tables,
          systemController: this.options.systemController,
          persist: () => this.persist(),
          stepMs: timing.rehomeStepMs,
          onlineTimeoutMs: timing.onlineTimeoutMs,
          onlinePollMs: Math.max(50, Math.min(20_000, timing.rehomeStepMs)),
          rehomeFaults: this.rehomeFaults,
          signal: this.aborter.signal,
          batchDone: () => {
            this.migrating = false
          },
        },
        group.id,
        sysadminPassword,
      ).finally(() => {
        this.migrating = false
      }),
    )
  }

  async auditFromPeer(groupName: string, remote: Record<string, unknown>): Promise<string | null> {
    const local = this.tables.peerGroupByName(groupName)
    const peer = this.tables.systemPeerByUuid(String(remote.peer_uuid))
    if (!local || !peer) return null
    return auditPeerGroup(
      this.auditParts(),
      local,
      remote as unknown as RemoteGroupView,
      peer,
      new PeerSiteClient(peer),
    )
  }

  async updateAssociationSyncStatus(peerGroupId: number, to: SyncStatus): Promise<number[]> {
    const ids: number[] = []
    for (const association of this.tables.associationsOfGroup(peerGroupId)) {
      if (association.associationType !== 'primary') continue
      const peer = this.tables.systemPeerById(association.systemPeerId)
      if (association.syncStatus === 'unknown') {
        this.tables.updateAssociation(association.id, {
          syncStatus: 'failed',
          syncMessage: 'Failed to update sync_status, because the peer site is unreachable.',
        })
      } else {
        this.tables.updateAssociation(association.id, {syncStatus: to})
        const group = this.tables.peerGroupById(peerGroupId)
        if (peer && group) {
          try {
            const client = new PeerSiteClient(peer)
            const remoteId = await remoteAssociationOf(client, this.tables.system.uuid, group.peerGroupName)
            if (remoteId !== undefined) {
              await client.dcmanager('PATCH', `/peer-group-associations/${remoteId}`, {sync_status: to})
            }
          } catch {
            this.tables.updateAssociation(association.id, {
              syncStatus: 'failed',
              syncMessage: `Failed to update peer site '${peer.peerName}' association sync_status to '${to}'`,
            })
          }
        }
      }
      ids.push(association.id)
    }
    await this.persist()
    return ids
  }

  /** §6.2 success: audit the local groups that exist on the peer when required or migrated there. */
  private async auditFromMonitor(
    peer: Parameters<typeof auditPeerGroup>[3],
    client: PeerSiteClient,
    remoteGroups: RemoteGroup[],
    required: boolean,
  ): Promise<void> {
    const ourGroups = new Set(this.tables.associationsOfPeer(peer.id).map((association) => association.peerGroupId))
    for (const remote of remoteGroups) {
      const local = this.tables.peerGroupByName(remote.peer_group_name)
      if (!local || !ourGroups.has(local.id)) continue
      if (required || remote.migration_status === 'complete') {
        await auditPeerGroup(this.auditParts(), local, remote as unknown as RemoteGroupView, peer, client)
      }
    }
  }

  private syncParts() {
    return {
      store: this.options.store,
      tables: this.tables,
      persist: () => this.persist(),
      rebuildMonitors: () => this.notifyMonitors(),
      signal: this.aborter.signal,
    }
  }

  private auditParts() {
    return {store: this.options.store, tables: this.tables, persist: () => this.persist()}
  }

  private track(promise: Promise<unknown>): void {
    const tracked = promise.catch(() => undefined).finally(() => this.work.delete(tracked))
    this.work.add(tracked)
  }
}
