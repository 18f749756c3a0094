import {EventEmitter} from 'node:events'
import {promises as fs} from 'node:fs'
import path from 'node:path'
import {randomUUID} from 'node:crypto'

import {OperationError} from '../core/errors.js'
import {readJsonIfExists, writePrivateFileAtomic} from '../core/files/private-file.js'
import {ensureLabDataDir} from './lab-files.js'
import {NO_ERRORS, type SubcloudRecord, TRANSITORY_DEPLOY_STATES} from './dcmanager/subcloud-model.js'
import {pythonTimestamp} from './dcmanager/python-time.js'

/**
 * The lab's persistent state: one JSON file in the data dir, rewritten atomically (temp file + fsync +
 * rename) so a restart, even after `kill -9` mid-write, finds the old or the new state and never a torn one.
 * The in-memory copy is authoritative; every mutation is followed by `persist()` before the API answers.
 * A change the disk refuses (full, read-only) is not made: the in-memory state goes back to what is on
 * disk, every caller whose change was lost gets the error (so the API answers failure only for changes it
 * did not make), and a 'persist-failed' event carries the cause for the lab's log.
 * Passwords never enter this state (the deploy keeps them in memory).
 */
export const STATE_FILE = 'state.json'

const TRANSITORY_BACKUP_STATES: Record<string, string> = {
  validating: 'validate-failed',
  'pre-backup': 'backup-prep-failed',
  'backing-up': 'failed',
  'deleting-backup': 'delete-failed',
}

/** A sysinv host route of a subcloud (charter F owns the other fields); the audit only needs the destination. */
export interface StoredRoute {
  network: string
  prefix: number
  [field: string]: unknown
}

export interface SubcloudGroupRecord {
  id: number
  name: string
  description: string
  updateApplyType: string
  maxParallelSubclouds: number
  createdAt: string | null
  updatedAt: string | null
}

export interface LabState {
  version: 1
  keystone: {userId: string; projectId: string}
  nextSubcloudId: number
  nextGroupId: number
  subclouds: SubcloudRecord[]
  groups: SubcloudGroupRecord[]
  /** Host routes per subcloud name (sysinv routes of the subcloud's controller-0), written by the lab's sysinv. */
  routes: Record<string, StoredRoute[]>
  /** The orchestrator's tables (strategy, steps, strategy options), owned by src/lab/orchestrator. */
  orchestration?: unknown
  /** Uploaded deploy files per release (`subcloud deploy upload`): file option -> file name. */
  deployFiles?: Record<string, Record<string, string>>
  /** Subcloud backups by subcloud id, then release: when the central and the local copy were taken. */
  backups?: Record<string, Record<string, BackupRecord>>
  /** Geo-redundancy: the site's identity, system peers, peer groups, associations (src/lab/geo). */
  geo?: unknown
}

export interface BackupRecord {
  central?: string
  local?: string
}

export const DEFAULT_GROUP: SubcloudGroupRecord = {
  id: 1,
  name: 'Default',
  description: 'Default Subcloud Group',
  updateApplyType: 'parallel',
  maxParallelSubclouds: 2,
  createdAt: null,
  updatedAt: null,
}

export function emptyLabState(): LabState {
  return {
    version: 1,
    keystone: {userId: randomUUID().replace(/-/g, ''), projectId: randomUUID().replace(/-/g, '')},
    nextSubcloudId: 1,
    nextGroupId: 2,
    subclouds: [],
    groups: [{...DEFAULT_GROUP}],
    routes: {},
  }
}

export interface SubcloudRegion {
  id: number
  name: string
  regionName: string
}

export class LabStore extends EventEmitter {
  private byId = new Map<number, SubcloudRecord>()
  private byName = new Map<string, SubcloudRecord>()
  private flushing?: Promise<void>
  /** Changes are numbered as they are persisted; `committed` is the last one on disk. */
  private generation = 0
  private committed = 0
  private committedText: string
  private lost?: {from: number; to: number; error: Error}
  private changes = 0

  private constructor(
    readonly file: string,
    private state: LabState,
  ) {
    super()
    this.committedText = JSON.stringify(state)
    for (const record of state.subclouds) this.index(record)
  }

  /**
   * Open (or create) the state of a data dir. Subclouds left in a transitional deploy state by a previous
   * run are flipped to that state's failure value, as dcmanager does when it restarts.
   */
  static async open(dataDir: string): Promise<LabStore> {
    ensureLabDataDir(dataDir)
    const file = path.join(dataDir, STATE_FILE)
    // A write interrupted by kill -9 leaves its temp sibling behind; the state itself is intact.
    for (const entry of await fs.readdir(dataDir)) {
      if (entry.startsWith(`.${STATE_FILE}.`) && entry.endsWith('.tmp'))
        await fs.rm(path.join(dataDir, entry), {force: true})
    }
    let state: LabState | undefined
    try {
      state = await readJsonIfExists<LabState>(file)
    } catch (error) {
      throw new OperationError(`The lab state file ${file} is not valid JSON (${(error as Error).message})`, {
        hint: 'move it away to start with an empty lab',
        cause: error,
      })
    }
    const store = new LabStore(file, state ? normaliseState(state) : emptyLabState())
    let flipped = false
    for (const record of store.state.subclouds) {
      const failed = TRANSITORY_DEPLOY_STATES[record.deployStatus]
      if (!failed) continue
      record.errorDescription =
        record.errorDescription === NO_ERRORS
          ? `Interrupted: the lab's dcmanager stopped while the subcloud was ${record.deployStatus}`
          : record.errorDescription
      record.deployStatus = failed
      record.updatedAt = pythonTimestamp()
      flipped = true
    }
    // Backup and prestage work in flight ends as a restarted manager leaves it (subcloud-lifecycle.md §1.2).
    for (const record of store.state.subclouds) {
      const backup = record.backupStatus ? TRANSITORY_BACKUP_STATES[record.backupStatus] : undefined
      if (backup) record.backupStatus = backup
      if (record.prestageStatus === 'prestaging') record.prestageStatus = 'failed'
      flipped ||= backup !== undefined || record.prestageStatus === 'failed'
    }
    if (flipped || !state) await store.persist()
    return store
  }

  get keystoneIds(): LabState['keystone'] {
    return this.state.keystone
  }

  /** All subclouds ordered by id (the list order of the API). */
  get subclouds(): readonly SubcloudRecord[] {
    return this.state.subclouds
  }

  subcloudById(id: number): SubcloudRecord | undefined {
    return this.byId.get(id)
  }

  subcloudByName(name: string): SubcloudRecord | undefined {
    return this.byName.get(name)
  }

  /** A `{subcloud}` path reference: all digits is an id, anything else a name (§2). */
  findSubcloud(ref: string): SubcloudRecord | undefined {
    return /^\d+$/.test(ref) ? this.byId.get(Number(ref)) : this.byName.get(ref)
  }

  allocateSubcloudId(): number {
    return this.state.nextSubcloudId++
  }

  insertSubcloud(record: SubcloudRecord): void {
    this.state.subclouds.push(record)
    this.state.subclouds.sort((a, b) => a.id - b.id)
    this.index(record)
    this.changed()
  }

  /** Apply a change to a subcloud; `updatedAt` is stamped like the server's ORM does. */
  updateSubcloud(id: number, change: Partial<SubcloudRecord>, options: {touch?: boolean} = {}): SubcloudRecord {
    const record = this.byId.get(id)
    if (!record) throw new Error(`subcloud ${id} vanished`)
    if (change.name !== undefined && change.name !== record.name) {
      this.byName.delete(record.name)
      if (this.state.routes[record.name]) {
        this.state.routes[change.name] = this.state.routes[record.name]
        delete this.state.routes[record.name]
      }
    }
    Object.assign(record, change)
    if (options.touch !== false) record.updatedAt = pythonTimestamp()
    this.index(record)
    this.changed()
    return record
  }

  deleteSubcloud(id: number): void {
    const record = this.byId.get(id)
    if (!record) return
    this.byId.delete(id)
    this.byName.delete(record.name)
    delete this.state.routes[record.name]
    this.state.subclouds = this.state.subclouds.filter((item) => item.id !== id)
    delete this.state.backups?.[id]
    // Rows that reference the subcloud (strategy steps, strategy options) go with it, as ON DELETE CASCADE.
    this.emit('subcloud-deleted', id)
    this.changed()
  }

  get groups(): readonly SubcloudGroupRecord[] {
    return this.state.groups
  }

  findGroup(ref: string): SubcloudGroupRecord | undefined {
    return /^\d+$/.test(ref)
      ? this.state.groups.find((group) => group.id === Number(ref))
      : this.state.groups.find((group) => group.name === ref)
  }

  insertGroup(fields: Omit<SubcloudGroupRecord, 'id' | 'createdAt' | 'updatedAt'>): SubcloudGroupRecord {
    const group: SubcloudGroupRecord = {
      id: this.state.nextGroupId++,
      ...fields,
      createdAt: pythonTimestamp(),
      updatedAt: null,
    }
    this.state.groups.push(group)
    this.changed()
    return group
  }

  updateGroup(id: number, change: Partial<SubcloudGroupRecord>): SubcloudGroupRecord {
    const group = this.state.groups.find((item) => item.id === id)
    if (!group) throw new Error(`group ${id} vanished`)
    Object.assign(group, change, {updatedAt: pythonTimestamp()})
    this.changed()
    return group
  }

  deleteGroup(id: number): void {
    this.state.groups = this.state.groups.filter((group) => group.id !== id)
    this.changed()
  }

  // ---- the part the lab's sysinv (charter F) uses ----

  /** Subclouds with the keystone region each one's sysinv is registered under. */
  listSubcloudRegions(): SubcloudRegion[] {
    return this.state.subclouds.map(({id, name, regionName}) => ({id, name, regionName}))
  }

  subcloudByRegion(regionName: string): SubcloudRecord | undefined {
    return this.state.subclouds.find((record) => record.regionName === regionName)
  }

  routesOf(subcloudName: string): StoredRoute[] {
    return this.state.routes[subcloudName] ?? []
  }

  /** Replace a subcloud's routes and persist them; the availability audit runs on the change. */
  async setRoutes(subcloudName: string, routes: StoredRoute[]): Promise<void> {
    if (routes.length === 0) delete this.state.routes[subcloudName]
    else this.state.routes[subcloudName] = routes
    this.changed()
    await this.persist()
  }

  // ---- the orchestrator's tables (src/lab/orchestrator reads and writes them; persisted with the rest) ----

  get orchestration(): unknown {
    return this.state.orchestration
  }

  /**
   * Attach the orchestrator's tables to the state; later changes are made in place and written by `persist()`.
   * No 'change' event: steps moving do not concern the subcloud audit.
   */
  setOrchestration(tables: unknown): void {
    this.state.orchestration = tables
  }

  // ---- deploy files and backups (src/lab/dcmanager/subcloud-deploy-files.ts, subcloud-backup.ts) ----

  deployFilesOf(release: string): Record<string, string> | undefined {
    return this.state.deployFiles?.[release]
  }

  /** Replace a release's deploy files (undefined: the release's directory is gone). */
  setDeployFiles(release: string, files: Record<string, string> | undefined): void {
    const all = (this.state.deployFiles ??= {})
    if (files) all[release] = files
    else delete all[release]
    this.changed()
  }

  backupOf(subcloudId: number, release: string): BackupRecord | undefined {
    return this.state.backups?.[subcloudId]?.[release]
  }

  setBackup(subcloudId: number, release: string, backup: BackupRecord): void {
    const bySubcloud = ((this.state.backups ??= {})[subcloudId] ??= {})
    if (backup.central || backup.local) bySubcloud[release] = backup
    else delete bySubcloud[release]
    this.changed()
  }

  // ---- geo-redundancy's tables (src/lab/geo reads and writes them in place; persisted with the rest) ----

  get geo(): unknown {
    return this.state.geo
  }

  /** Attach the geo tables to the state (the site's identity and peers); later changes are made in place. */
  setGeo(tables: unknown): void {
    this.state.geo = tables
  }

  // ---- persistence ----

  /**
   * A number that moves whenever the state may have changed: on every change event and every `persist()` call
   * (each mutation is followed by one). Read routes cache what they serialise under it: a 5,000-subcloud list
   * is ~6 MB of JSON, and rebuilding it for every poll of an unchanged fleet cost the operator ~100 ms a read.
   */
  get revision(): number {
    return this.changes
  }

  /**
   * Resolve once the state as it is now is on disk; reject (with the state rolled back) when the write
   * failed. Concurrent callers share one write.
   */
  async persist(): Promise<void> {
    this.changes++
    const wanted = ++this.generation
    if (!this.flushing) {
      this.flushing = this.flushLoop().finally(() => {
        this.flushing = undefined
      })
    }
    await this.flushing
    if (this.committed >= wanted) return
    if (this.lost && wanted >= this.lost.from && wanted <= this.lost.to) throw this.lost.error
    // Changed again while the last write ran: the next loop writes it.
    return this.persist()
  }

  /** A deep copy of the whole state (tests, `lab status`). */
  snapshot(): LabState {
    return structuredClone(this.state)
  }

  private async flushLoop(): Promise<void> {
    while (this.committed < this.generation) {
      const covering = this.generation
      const text = JSON.stringify(this.state, null, 1) + '\n'
      try {
        await writePrivateFileAtomic(this.file, text)
      } catch (error) {
        this.rollBack(error as NodeJS.ErrnoException)
        return
      }
      this.committed = covering
      this.committedText = text
    }
  }

  /** Forget every change not on disk, and tell whoever waits for them. */
  private rollBack(cause: NodeJS.ErrnoException): void {
    const error = new OperationError(
      `cannot save the lab state ${this.file} (${cause.code ?? cause.message}): the change was not made`,
      {cause},
    )
    // Changes made while this write ran sit on top of the lost ones: they are lost too.
    this.lost = {from: this.committed + 1, to: this.generation, error}
    this.state = JSON.parse(this.committedText) as LabState
    this.byId.clear()
    this.byName.clear()
    for (const record of this.state.subclouds) this.index(record)
    this.emit('persist-failed', error)
    this.changed()
  }

  private index(record: SubcloudRecord): void {
    this.byId.set(record.id, record)
    this.byName.set(record.name, record)
  }

  private changed(): void {
    this.changes++
    this.emit('change')
  }
}

function normaliseState(state: LabState): LabState {
  if (state.version !== 1 || !Array.isArray(state.subclouds) || !Array.isArray(state.groups)) {
    throw new OperationError('The lab state file has an unknown layout (expected version 1)', {
      hint: 'move it away to start with an empty lab',
    })
  }
  state.routes ??= {}
  state.keystone ??= emptyLabState().keystone
  if (!state.groups.some((group) => group.id === 1)) state.groups.unshift({...DEFAULT_GROUP})
  state.subclouds.sort((a, b) => a.id - b.id)
  return state
}
