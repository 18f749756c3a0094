import {randomUUID} from 'node:crypto'

import type {LabStore} from '../lab-store.js'
import {pythonTimestamp} from '../dcmanager/python-time.js'

/**
 * A site's geo-redundancy tables (subcloud-lifecycle.md §6.1): its own system identity (what sysinv's
 * `GET /v1/isystems` answers), its records of other System Controllers (system peers), its subcloud peer groups
 * and the associations between the two. They live in the lab's state file (`state.geo`), so a site keeps them
 * across restarts; the store's in-memory state is authoritative and may be swapped on a failed write, so the
 * tables are always read through the store, never cached.
 */
export interface SystemIdentity {
  uuid: string
  name: string
  /** sysinv's system_mode. */
  mode: string
}

export type AvailabilityState = 'created' | 'available' | 'unavailable'

export interface SystemPeerRecord {
  id: number
  peerUuid: string
  peerName: string
  managerEndpoint: string
  managerUsername: string
  /** As sent (base64), as upstream stores it; the lab's data dir is 0700 and its state file 0600. */
  managerPassword: string
  peerControllerGatewayIp: string
  administrativeState: string
  heartbeatInterval: number
  heartbeatFailureThreshold: number
  heartbeatFailurePolicy: string
  heartbeatMaintenanceTimeout: number
  availabilityState: AvailabilityState
  createdAt: string
  updatedAt: string | null
}

export interface PeerGroupRecord {
  id: number
  peerGroupName: string
  groupPriority: number
  groupState: string
  maxSubcloudRehoming: number
  systemLeaderId: string
  systemLeaderName: string
  migrationStatus: string | null
  createdAt: string
  updatedAt: string | null
}

export type SyncStatus = 'syncing' | 'in-sync' | 'out-of-sync' | 'failed' | 'unknown'

export interface AssociationRecord {
  id: number
  peerGroupId: number
  systemPeerId: number
  peerGroupPriority: number | null
  associationType: 'primary' | 'non-primary'
  syncStatus: SyncStatus
  syncMessage: string | null
  createdAt: string
  updatedAt: string | null
}

/** An alarm the site raised (FM is not served: the lab keeps them for `dcm lab status` and tests). */
export interface GeoAlarm {
  alarmId: string
  entity: string
  severity: 'major' | 'critical'
  text: string
  raisedAt: string
}

export interface GeoState {
  system: SystemIdentity
  nextPeerId: number
  nextPeerGroupId: number
  nextAssociationId: number
  systemPeers: SystemPeerRecord[]
  peerGroups: PeerGroupRecord[]
  associations: AssociationRecord[]
  alarms: GeoAlarm[]
}

export const DEFAULT_SYSTEM_NAME = 'SystemController'

/**
 * The geo tables of a store, created on first use with a fresh identity (named `siteName` when given). A site
 * keeps its identity forever after: the uuid is what its peers know it by.
 */
export class GeoTables {
  constructor(private readonly store: LabStore) {}

  /** Create the tables when the state has none (a new data dir, or one from before geo-redundancy). */
  ensure(siteName?: string): boolean {
    if (this.store.geo) return false
    const state: GeoState = {
      system: {uuid: randomUUID(), name: siteName ?? DEFAULT_SYSTEM_NAME, mode: 'duplex'},
      nextPeerId: 1,
      nextPeerGroupId: 1,
      nextAssociationId: 1,
      systemPeers: [],
      peerGroups: [],
      associations: [],
      alarms: [],
    }
    this.store.setGeo(state)
    return true
  }

  private get state(): GeoState {
    if (!this.store.geo) this.ensure()
    return this.store.geo as GeoState
  }

  get system(): SystemIdentity {
    return this.state.system
  }

  // ---- system peers ----

  get systemPeers(): readonly SystemPeerRecord[] {
    return this.state.systemPeers
  }

  systemPeerById(id: number): SystemPeerRecord | undefined {
    return this.state.systemPeers.find((peer) => peer.id === id)
  }

  /** A `{peer}` reference: digits are an id, a UUID a peer uuid, anything else a name. */
  findSystemPeer(ref: string): SystemPeerRecord | undefined {
    if (/^\d+$/.test(ref)) return this.systemPeerById(Number(ref))
    if (isUuid(ref)) return this.state.systemPeers.find((peer) => sameUuid(peer.peerUuid, ref))
    return this.state.systemPeers.find((peer) => peer.peerName === ref)
  }

  systemPeerByUuid(uuid: string): SystemPeerRecord | undefined {
    return this.state.systemPeers.find((peer) => sameUuid(peer.peerUuid, uuid))
  }

  insertSystemPeer(fields: Omit<SystemPeerRecord, 'id' | 'availabilityState' | 'createdAt' | 'updatedAt'>) {
    const peer: SystemPeerRecord = {
      id: this.state.nextPeerId++,
      ...fields,
      availabilityState: 'created',
      createdAt: pythonTimestamp(),
      updatedAt: null,
    }
    this.state.systemPeers.push(peer)
    return peer
  }

  updateSystemPeer(id: number, change: Partial<SystemPeerRecord>): SystemPeerRecord {
    const peer = this.systemPeerById(id)
    if (!peer) throw new Error(`system peer ${id} vanished`)
    Object.assign(peer, change, {updatedAt: pythonTimestamp()})
    return peer
  }

  deleteSystemPeer(id: number): void {
    this.state.systemPeers = this.state.systemPeers.filter((peer) => peer.id !== id)
  }

  // ---- subcloud peer groups ----

  get peerGroups(): readonly PeerGroupRecord[] {
    return this.state.peerGroups
  }

  peerGroupById(id: number): PeerGroupRecord | undefined {
    return this.state.peerGroups.find((group) => group.id === id)
  }

  peerGroupByName(name: string): PeerGroupRecord | undefined {
    return this.state.peerGroups.find((group) => group.peerGroupName === name)
  }

  /** A `{group}` reference: digits are an id, anything else a name. */
  findPeerGroup(ref: string): PeerGroupRecord | undefined {
    return /^\d+$/.test(ref) ? this.peerGroupById(Number(ref)) : this.peerGroupByName(ref)
  }

  insertPeerGroup(fields: Omit<PeerGroupRecord, 'id' | 'migrationStatus' | 'createdAt' | 'updatedAt'>) {
    const group: PeerGroupRecord = {
      id: this.state.nextPeerGroupId++,
      ...fields,
      migrationStatus: null,
      createdAt: pythonTimestamp(),
      updatedAt: null,
    }
    this.state.peerGroups.push(group)
    return group
  }

  updatePeerGroup(id: number, change: Partial<PeerGroupRecord>): PeerGroupRecord {
    const group = this.peerGroupById(id)
    if (!group) throw new Error(`peer group ${id} vanished`)
    Object.assign(group, change, {updatedAt: pythonTimestamp()})
    return group
  }

  deletePeerGroup(id: number): void {
    this.state.peerGroups = this.state.peerGroups.filter((group) => group.id !== id)
  }

  // ---- associations ----

  get associations(): readonly AssociationRecord[] {
    return this.state.associations
  }

  associationById(id: number): AssociationRecord | undefined {
    return this.state.associations.find((association) => association.id === id)
  }

  associationsOfPeer(systemPeerId: number): AssociationRecord[] {
    return this.state.associations.filter((association) => association.systemPeerId === systemPeerId)
  }

  associationsOfGroup(peerGroupId: number): AssociationRecord[] {
    return this.state.associations.filter((association) => association.peerGroupId === peerGroupId)
  }

  insertAssociation(fields: Omit<AssociationRecord, 'id' | 'syncMessage' | 'createdAt' | 'updatedAt'>) {
    const association: AssociationRecord = {
      id: this.state.nextAssociationId++,
      ...fields,
      syncMessage: null,
      createdAt: pythonTimestamp(),
      updatedAt: null,
    }
    this.state.associations.push(association)
    return association
  }

  updateAssociation(id: number, change: Partial<AssociationRecord>): AssociationRecord {
    const association = this.associationById(id)
    if (!association) throw new Error(`association ${id} vanished`)
    Object.assign(association, change, {updatedAt: pythonTimestamp()})
    return association
  }

  deleteAssociation(id: number): void {
    this.state.associations = this.state.associations.filter((association) => association.id !== id)
  }

  // ---- alarms (280.004 peer heartbeat, 280.005 peer group led by a lower-priority peer) ----

  get alarms(): readonly GeoAlarm[] {
    return this.state.alarms
  }

  raiseAlarm(alarm: Omit<GeoAlarm, 'raisedAt'>): void {
    this.clearAlarm(alarm.alarmId, alarm.entity)
    this.state.alarms.push({...alarm, raisedAt: pythonTimestamp()})
  }

  clearAlarm(alarmId: string, entity: string): void {
    this.state.alarms = this.state.alarms.filter((alarm) => !(alarm.alarmId === alarmId && alarm.entity === entity))
  }
}

const UUID = /^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$/i

/** Python's `uuid.UUID(str(value))` accepts: 32 hex digits, dashes in the usual places optional, braces, urn. */
export function isUuid(value: unknown): value is string {
  return typeof value === 'string' && UUID.test(value.replace(/^urn:uuid:/i, '').replace(/^\{(.*)\}$/, '$1'))
}

export function sameUuid(a: string, b: string): boolean {
  const canonical = (value: string) => value.replace(/[-{}]|^urn:uuid:/gi, '').toLowerCase()
  return canonical(a) === canonical(b)
}
