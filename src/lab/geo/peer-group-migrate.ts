import {inventoryOf} from '../sysinv/sysinv-inventory.js'
import {NO_ERRORS, type SubcloudRecord} from '../dcmanager/subcloud-model.js'
import type {LabSystemController} from '../lab-config.js'
import type {LabStore, StoredRoute} from '../lab-store.js'
import {inBatches} from './association-sync.js'
import type {GeoTables, PeerGroupRecord, SystemPeerRecord} from './geo-tables.js'
import {PeerSiteClient} from './peer-client.js'
import {peerGroupToApi} from './geo-api.js'
import {REHOME_READY_STATES} from './peer-group-members.js'

/**
 * `subcloud-peer-group migrate` on the migrating site (subcloud-lifecycle.md §6.6): the group goes `migrating`;
 * each ready member (at most `max_subcloud_rehoming` at a time) is first released by every available peer
 * (`unmanaged` + `rehome-pending` there), then rehomed here: `pre-rehome` → `rehoming` → `complete`, or
 * `rehome-failed`; a rehomed member is managed once online. Then this site leads the group (`complete`) and the
 * available peers are told to audit it.
 *
 * The lab's rehome "playbook" re-points the subcloud's host at this site: its controller gets a route to this
 * System Controller's management subnet through the gateway the peer gave it, in this site's sysinv, which is
 * what makes the subcloud `online` here (the audit's rule). A site can be told to fail a subcloud's next rehome.
 */
export interface MigrateParts {
  store: LabStore
  tables: GeoTables
  systemController: LabSystemController
  persist(): Promise<void>
  /** Duration of each simulated rehome state, ms. */
  stepMs: number
  /** How long a rehomed subcloud may take to come online before it is left unmanaged (upstream: 900 s). */
  onlineTimeoutMs: number
  /** Poll period while waiting for `online` (upstream: 20 s). */
  onlinePollMs: number
  /** Names whose next rehome at this site fails, with the reason; consumed by the failure. */
  rehomeFaults: Map<string, string>
  signal: AbortSignal
  /** The rehomes are done: another batch may start (called before the group is marked `complete`). */
  batchDone(): void
}

export async function migratePeerGroup(parts: MigrateParts, groupId: number, sysadminPassword: string) {
  const {tables, store} = parts
  const group = tables.peerGroupById(groupId)
  if (!group) return
  tables.updatePeerGroup(group.id, {migrationStatus: 'migrating'})
  await parts.persist()
  const peers = tables
    .associationsOfGroup(group.id)
    .map((association) => tables.systemPeerById(association.systemPeerId))
    .filter((peer): peer is SystemPeerRecord => peer?.availabilityState === 'available')
  const members = store.subclouds.filter(
    (record) => record.peerGroupId === group.id && REHOME_READY_STATES.has(record.deployStatus),
  )
  await inBatches(members, group.maxSubcloudRehoming, async (record) => {
    if (parts.signal.aborted) return
    if (!(await releaseOnPeers(parts, peers, record))) return
    await rehome(parts, record.id, sysadminPassword)
  })
  if (parts.signal.aborted) return
  parts.batchDone()
  const led = tables.updatePeerGroup(group.id, {
    systemLeaderId: tables.system.uuid,
    systemLeaderName: tables.system.name,
    migrationStatus: 'complete',
  })
  await parts.persist()
  await notifyPeers(parts, peers, led)
  if (led.groupPriority === 0) {
    for (const peer of peers)
      tables.clearAlarm(LOWER_PRIORITY_ALARM, `peer_group=${led.peerGroupName},peer=${peer.peerUuid}`)
    await parts.persist()
  }
}

export const LOWER_PRIORITY_ALARM = '280.005'

/** Step 3a: every available peer lets the subcloud go (3 attempts, 1 s apart); false skips the member. */
async function releaseOnPeers(parts: MigrateParts, peers: SystemPeerRecord[], record: SubcloudRecord) {
  for (const peer of peers) {
    let released = false
    for (let attempt = 0; attempt < 3 && !released; attempt++) {
      try {
        const client = new PeerSiteClient(peer, parts.signal)
        let remote: {'management-state': string; 'deploy-status': string} | undefined
        try {
          remote = (await client.dcmanager('GET', `/subclouds/${record.regionName}/detail`)) as typeof remote
        } catch (error) {
          if ((error as {status?: number}).status === 404) {
            released = true
            continue
          }
          throw error
        }
        if (remote!['management-state'] === 'unmanaged' && remote!['deploy-status'] === 'rehome-pending') {
          released = true
          continue
        }
        const form = new FormData()
        if (remote!['management-state'] !== 'unmanaged') form.append('management-state', 'unmanaged')
        form.append('migrate', 'true')
        await client.dcmanager('PATCH', `/subclouds/${record.regionName}`, form)
        released = true
      } catch {
        if (attempt < 2) await sleep(1000, parts.signal)
      }
    }
    if (!released) return false
  }
  return true
}

/** Step 3b-c: the rehome here, then `managed` once online. */
async function rehome(parts: MigrateParts, id: number, sysadminPassword: string): Promise<void> {
  const {store} = parts
  const set = async (change: Partial<SubcloudRecord>) => {
    if (!store.subcloudById(id)) return false
    store.updateSubcloud(id, change)
    await parts.persist()
    return !parts.signal.aborted
  }
  // pre-rehome: the password joins the saved payload (memory only here), the overrides are regenerated.
  if (!(await set({deployStatus: 'pre-rehome'}))) return
  if (!sysadminPassword) {
    await set({deployStatus: 'rehome-prep-failed'})
    return
  }
  if (!(await sleep(parts.stepMs, parts.signal))) return
  if (!(await set({deployStatus: 'rehoming', errorDescription: NO_ERRORS}))) return
  if (!(await sleep(parts.stepMs * 2, parts.signal))) return
  const record = store.subcloudById(id)
  if (!record) return
  const fault = parts.rehomeFaults.get(record.name)
  if (fault !== undefined) {
    parts.rehomeFaults.delete(record.name)
    await set({
      deployStatus: 'rehome-failed',
      errorDescription: `FAILED rehoming playbook of (${record.name}).\ndetail: ${fault}`.slice(0, 2048),
    })
    return
  }
  await store.setRoutes(record.name, [...store.routesOf(record.name), routeToSystemController(parts, record)])
  if (!(await set({deployStatus: 'complete', errorDescription: NO_ERRORS}))) return
  // c: wait for the audit to see it online, then manage it.
  const deadline = Date.now() + parts.onlineTimeoutMs
  while (store.subcloudById(id)?.availabilityStatus !== 'online') {
    if (Date.now() > deadline || !(await sleep(parts.onlinePollMs, parts.signal))) return
  }
  await set({managementState: 'managed'})
}

/** What the rehome playbook leaves on the subcloud: its management interface routes to this site's SC. */
function routeToSystemController(parts: MigrateParts, record: SubcloudRecord): StoredRoute {
  const management =
    parts.systemController.managementNetworks.find((network) => !network.subnet.includes(':')) ??
    parts.systemController.managementNetworks[0]
  const [network, prefix] = management.subnet.split('/')
  const inventory = inventoryOf(record)
  const iface = inventory.interfaces.find((item) => item.ifname === 'enp0s8') ?? inventory.interfaces[0]
  const existing = parts.store.routesOf(record.name)
  return {
    id: existing.reduce((max, route) => Math.max(max, Number(route.id) || 0), 0) + 1,
    uuid: crypto.randomUUID(),
    interface_uuid: iface.uuid,
    ifname: iface.ifname,
    forihostid: inventory.host.id,
    network,
    prefix: Number(prefix),
    gateway: record.systemcontrollerGatewayIp,
    metric: 1,
    family: network.includes(':') ? 6 : 4,
  }
}

/** Step 5: each available peer audits the group as it now is here. */
async function notifyPeers(parts: MigrateParts, peers: SystemPeerRecord[], group: PeerGroupRecord) {
  const body = peerGroupToApi(group)
  delete body['created-at']
  delete body['updated-at']
  for (const peer of peers) {
    await new PeerSiteClient(peer)
      .dcmanager('PATCH', `/subcloud-peer-groups/${group.peerGroupName}/audit`, {
        ...body,
        peer_uuid: parts.tables.system.uuid,
      })
      .catch(() => undefined)
  }
}

export function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve(false)
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort)
      resolve(true)
    }, ms)
    const onAbort = () => {
      clearTimeout(timer)
      resolve(false)
    }
    signal.addEventListener('abort', onAbort, {once: true})
  })
}
