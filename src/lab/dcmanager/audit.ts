import {lastAddress, parseSubnet, type Subnet} from '../../core/net/cidr.js'
import type {ScManagementNetwork} from '../lab-config.js'
import type {LabStore, StoredRoute} from '../lab-store.js'
import {ENDPOINT_TYPES, type SubcloudRecord, type SyncStatus} from './subcloud-model.js'

/**
 * dcmanager's subcloud audit, reduced to the rule of the installation guide (issue 5 §3): a subcloud is
 * reachable once it is deployed AND its controller has a route back to the System Controller's management
 * network. Only then is it `online`; only a managed, online subcloud is `in-sync`.
 */
export interface AuditResult {
  availabilityStatus: SubcloudRecord['availabilityStatus']
  endpointSyncStatus: Record<string, SyncStatus>
}

export function routeReachesSystemController(route: StoredRoute, scNetworks: Subnet[]): boolean {
  const destination = parseSubnet(`${route.network}/${route.prefix}`)
  if (!destination) return false
  return scNetworks.some(
    (sc) =>
      sc.family === destination.family &&
      destination.network <= sc.network &&
      lastAddress(destination) >= lastAddress(sc),
  )
}

/** Deploy states of a deployed subcloud: an orchestrated software deploy keeps it reachable (issue 10). */
const DEPLOYED_STATES = new Set(['complete', 'sw-deploy-in-progress', 'sw-deploy-apply-strategy-failed'])

export function auditSubcloud(record: SubcloudRecord, routes: StoredRoute[], scNetworks: Subnet[]): AuditResult {
  const reachable =
    DEPLOYED_STATES.has(record.deployStatus) && routes.some((r) => routeReachesSystemController(r, scNetworks))
  const inSync = reachable && record.managementState === 'managed'
  // A managed, online subcloud reports in-sync unless the lab was told otherwise (`dcm lab subcloud set --sync`).
  const endpointSyncStatus: Record<string, SyncStatus> = Object.fromEntries(
    ENDPOINT_TYPES.map((type) => [type, inSync ? (record.syncOverrides?.[type] ?? 'in-sync') : 'unknown']),
  )
  // dc-cert belongs to cert-mon (PATCH .../update_status): while the subcloud is reachable and unmanaged
  // the audit leaves the value cert-mon reported.
  if (reachable && !inSync) endpointSyncStatus['dc-cert'] = record.endpointSyncStatus['dc-cert'] ?? 'unknown'
  return {availabilityStatus: reachable ? 'online' : 'offline', endpointSyncStatus}
}

export function scSubnets(networks: ScManagementNetwork[]): Subnet[] {
  return networks.map((network) => parseSubnet(network.subnet)).filter((subnet): subnet is Subnet => !!subnet)
}

/** Run the audit over every subcloud and store what changed. Returns the number of subclouds changed. */
export function runAudit(store: LabStore, networks: ScManagementNetwork[]): number {
  const subnets = scSubnets(networks)
  let changed = 0
  for (const record of store.subclouds) {
    const result = auditSubcloud(record, store.routesOf(record.name), subnets)
    const syncChanged = ENDPOINT_TYPES.some(
      (type) => record.endpointSyncStatus[type] !== result.endpointSyncStatus[type],
    )
    if (result.availabilityStatus !== record.availabilityStatus || syncChanged) {
      store.updateSubcloud(record.id, result)
      changed++
    }
  }
  return changed
}
