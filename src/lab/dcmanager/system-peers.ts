import {isIP} from 'node:net'

import type {LabRequest, LabResponse} from '../http/http-types.js'
import {WebobError} from '../http/webob-error.js'
import {peerGroupToApi, systemPeerToApi} from '../geo/geo-api.js'
import type {SystemPeerRecord} from '../geo/geo-tables.js'
import {intInRange, isUuidValue, pythonInt, truthy, validateName} from '../geo/geo-validation.js'
import {type LabGeo, syncInfoMessage} from '../geo/lab-geo.js'
import {type DcmanagerFamily, json, requireGeo} from './dcmanager-http.js'

/**
 * `/v1.0/system-peers` (dcmanager-api.md §2.9, subcloud-lifecycle.md §6.2): this site's records of other System
 * Controllers. Checks in upstream's order with its texts; creating or updating a peer starts no heartbeat (a
 * monitor exists only while an association references the peer).
 */
export const systemPeerRoutes: DcmanagerFamily = (context) => {
  const geo = () => requireGeo(context)
  return [
    {
      method: 'GET',
      path: '/v1.0/system-peers',
      handler: () => json({system_peers: geo().tables.systemPeers.map(systemPeerToApi)}),
    },
    {method: 'POST', path: '/v1.0/system-peers', handler: (request) => addSystemPeer(geo(), request)},
    {
      method: 'GET',
      path: '/v1.0/system-peers/:peer',
      handler: (request, {peer}) => json(systemPeerToApi(peerOr404(geo(), peer))),
    },
    {
      // pecan passes any second segment as `subcloud_peer_groups`: a truthy value lists the peer's groups.
      method: 'GET',
      path: '/v1.0/system-peers/:peer/:groups',
      handler: (request, {peer}) => peerGroupsOfPeer(geo(), peer),
    },
    {method: 'PATCH', path: '/v1.0/system-peers/:peer', handler: (request, {peer}) => patchPeer(geo(), request, peer)},
    {method: 'DELETE', path: '/v1.0/system-peers/:peer', handler: (request, {peer}) => deletePeer(geo(), peer)},
  ]
}

function peerOr404(geo: LabGeo, ref: string): SystemPeerRecord {
  const peer = geo.tables.findSystemPeer(ref)
  if (!peer) throw new WebobError(404, 'System Peer not found')
  return peer
}

function peerGroupsOfPeer(geo: LabGeo, ref: string): LabResponse {
  const peer = peerOr404(geo, ref)
  const groupIds = new Set(geo.tables.associationsOfPeer(peer.id).map((association) => association.peerGroupId))
  const groups = geo.tables.peerGroups.filter((group) => groupIds.has(group.id))
  return json({subcloud_peer_groups: groups.map(peerGroupToApi)})
}

/** `_get_payload`: JSON, an object. */
export function peerPayload(request: LabRequest): Record<string, unknown> {
  let payload: unknown
  try {
    payload = JSON.parse(request.body.toString('utf8'))
  } catch {
    throw new WebobError(400, 'Request body is malformed.')
  }
  if (!payload || typeof payload !== 'object' || Array.isArray(payload)) {
    // `not isinstance(payload, dict)`; JSON null, numbers and lists alike.
    throw new WebobError(400, 'Invalid request body format')
  }
  return payload as Record<string, unknown>
}

const bad = (text: string) => new WebobError(400, text)

const CHECKS = {
  endpoint: (value: unknown) =>
    truthy(value) && typeof value === 'string' && value.length < 255 && value.startsWith('http'),
  username: (value: unknown) => truthy(value) && typeof value === 'string' && value.length < 255,
  password: (value: unknown) => truthy(value) && typeof value === 'string' && value.length < 255,
  gateway: (value: unknown) => truthy(value) && typeof value === 'string' && value.length < 255 && isIP(value) !== 0,
  administrativeState: (value: unknown) => value === 'enabled' || value === 'disabled',
  interval: (value: unknown) => intInRange(value, 10, 600),
  threshold: (value: unknown) => intInRange(value, 1, 30),
  policy: (value: unknown) => value === 'alarm' || value === 'rehome' || value === 'delegate',
  maintenance: (value: unknown) => intInRange(value, 300, 36000),
}

async function addSystemPeer(geo: LabGeo, request: LabRequest): Promise<LabResponse> {
  const payload = peerPayload(request)
  if (Object.keys(payload).length === 0) throw bad('Body required')
  const {peer_uuid: uuid, peer_name: name, manager_endpoint: endpoint} = payload
  if (!isUuidValue(uuid)) throw bad('Invalid peer uuid')
  if (!validateName(name)) throw bad('Invalid peer name')
  if (!CHECKS.endpoint(endpoint)) throw bad('Invalid peer manager_endpoint')
  if (!CHECKS.username(payload.manager_username)) throw bad('Invalid peer manager_username')
  if (!CHECKS.password(payload.manager_password)) throw bad('Invalid peer manager_password')
  if (!CHECKS.gateway(payload.peer_controller_gateway_address)) {
    throw bad('Invalid peer peer_controller_gateway_address')
  }
  const {
    administrative_state: administrativeState,
    heartbeat_interval: interval,
    heartbeat_failure_threshold: threshold,
    heartbeat_failure_policy: policy,
    heartbeat_maintenance_timeout: maintenance,
  } = payload
  // Optional fields: the falsy ones (state, policy) and the absent ones (numbers) take the column defaults.
  if (truthy(administrativeState) && !CHECKS.administrativeState(administrativeState)) {
    throw bad('Invalid peer administrative_state')
  }
  if (interval !== undefined && interval !== null && !CHECKS.interval(interval)) {
    throw bad('Invalid peer heartbeat_interval')
  }
  if (threshold !== undefined && threshold !== null && !CHECKS.threshold(threshold)) {
    throw bad('Invalid peer heartbeat_failure_threshold')
  }
  if (truthy(policy) && !CHECKS.policy(policy)) throw bad('Invalid peer heartbeat_failure_policy')
  if (maintenance !== undefined && maintenance !== null && !CHECKS.maintenance(maintenance)) {
    throw bad('Invalid peer heartbeat_maintenance_timeout')
  }
  // The uuid and the name are both unique columns: either duplicate is the same 409.
  if (geo.tables.systemPeerByUuid(String(uuid)) || geo.tables.systemPeers.some((peer) => peer.peerName === name)) {
    throw new WebobError(409, 'A system peer with this UUID already exists')
  }
  const peer = geo.tables.insertSystemPeer({
    peerUuid: String(uuid),
    peerName: String(name),
    managerEndpoint: String(endpoint),
    managerUsername: String(payload.manager_username),
    managerPassword: String(payload.manager_password),
    peerControllerGatewayIp: String(payload.peer_controller_gateway_address),
    administrativeState: truthy(administrativeState) ? String(administrativeState) : 'enabled',
    heartbeatInterval: interval === undefined || interval === null ? 60 : pythonInt(interval)!,
    heartbeatFailureThreshold: threshold === undefined || threshold === null ? 3 : pythonInt(threshold)!,
    heartbeatFailurePolicy: truthy(policy) ? String(policy) : 'alarm',
    heartbeatMaintenanceTimeout: maintenance === undefined || maintenance === null ? 600 : pythonInt(maintenance)!,
  })
  await geo.persist()
  return json(systemPeerToApi(peer))
}

async function patchPeer(geo: LabGeo, request: LabRequest, ref: string): Promise<LabResponse> {
  const payload = peerPayload(request)
  if (Object.keys(payload).length === 0) throw bad('Body required')
  const peer = peerOr404(geo, ref)
  const {
    peer_uuid: uuid,
    peer_name: name,
    manager_endpoint: endpoint,
    manager_username: username,
    manager_password: password,
    peer_controller_gateway_address: gateway,
    administrative_state: administrativeState,
    heartbeat_interval: interval,
    heartbeat_failure_threshold: threshold,
    heartbeat_failure_policy: policy,
    heartbeat_maintenance_timeout: maintenance,
  } = payload
  const values = [uuid, name, endpoint, username, password, administrativeState, interval, threshold, policy]
  if (![...values, maintenance, gateway].some(truthy)) throw bad('nothing to update')
  // Each present (truthy) field is checked in upstream's order.
  if (truthy(uuid) && !isUuidValue(uuid)) throw bad('Invalid peer uuid')
  if (truthy(name) && !validateName(name)) throw bad('Invalid peer name')
  if (truthy(endpoint) && !CHECKS.endpoint(endpoint)) throw bad('Invalid peer manager_endpoint')
  if (truthy(username) && !CHECKS.username(username)) throw bad('Invalid peer manager_username')
  if (truthy(password) && !CHECKS.password(password)) throw bad('Invalid peer manager_password')
  if (truthy(gateway) && !CHECKS.gateway(gateway)) throw bad('Invalid peer peer_controller_gateway_address')
  if (truthy(administrativeState) && !CHECKS.administrativeState(administrativeState)) {
    throw bad('Invalid peer administrative_state')
  }
  if (truthy(interval) && !CHECKS.interval(interval)) throw bad('Invalid peer heartbeat_interval')
  if (truthy(threshold) && !CHECKS.threshold(threshold)) throw bad('Invalid peer heartbeat_failure_threshold')
  if (truthy(policy) && !CHECKS.policy(policy)) throw bad('Invalid peer heartbeat_failure_policy')
  if (truthy(maintenance) && !CHECKS.maintenance(maintenance)) throw bad('Invalid peer heartbeat_maintenance_timeout')
  const others = geo.tables.systemPeers.filter((other) => other.id !== peer.id)
  if (
    (truthy(uuid) && others.some((other) => other.peerUuid === uuid)) ||
    (truthy(name) && others.some((other) => other.peerName === name))
  ) {
    // A unique column refused by the database: upstream's catch-all.
    throw new WebobError(500, 'Unable to update system peer')
  }
  const change: Partial<SystemPeerRecord> = {}
  if (truthy(uuid)) change.peerUuid = String(uuid)
  if (truthy(name)) change.peerName = String(name)
  if (truthy(endpoint)) change.managerEndpoint = String(endpoint)
  if (truthy(username)) change.managerUsername = String(username)
  if (truthy(password)) change.managerPassword = String(password)
  if (truthy(gateway)) change.peerControllerGatewayIp = String(gateway)
  if (truthy(administrativeState)) change.administrativeState = String(administrativeState)
  if (truthy(interval)) change.heartbeatInterval = pythonInt(interval)!
  if (truthy(threshold)) change.heartbeatFailureThreshold = pythonInt(threshold)!
  if (truthy(policy)) change.heartbeatFailurePolicy = String(policy)
  if (truthy(maintenance)) change.heartbeatMaintenanceTimeout = pythonInt(maintenance)!
  const previousGateway = peer.peerControllerGatewayIp
  const updated = geo.tables.updateSystemPeer(peer.id, change)
  await geo.persist()
  const body = systemPeerToApi(updated)
  if (gateway !== undefined && gateway !== null && gateway !== previousGateway) {
    // The gateway is in the bootstrap values pushed to the peer: every association of the peer needs a sync.
    const ids: number[] = []
    for (const association of geo.tables.associationsOfPeer(peer.id)) {
      ids.push(...(await geo.updateAssociationSyncStatus(association.peerGroupId, 'out-of-sync')))
    }
    const message = syncInfoMessage([...new Set(ids)])
    if (message) body.info_message = message
  }
  return json(body)
}

async function deletePeer(geo: LabGeo, ref: string): Promise<LabResponse> {
  const peer = peerOr404(geo, ref)
  if (geo.tables.associationsOfPeer(peer.id).length > 0) {
    throw bad('Cannot delete a system peer which is associated with peer group.')
  }
  geo.tables.deleteSystemPeer(peer.id)
  await geo.persist()
  return json(null)
}
