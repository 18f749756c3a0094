import {PeerRequestError, PeerSiteClient} from './peer-client.js'

/**
 * `dcm lab peer A B`: wire two running lab sites together, as an operator does with `system-peer add` on each
 * side (subcloud-lifecycle.md §7 steps 1-2): each site gets a system peer naming the other, with the other's
 * Keystone (`manager-endpoint`), its admin credentials, and the gateway on its management network. Through the
 * sites' own REST APIs, so the records are exactly what the commands would create. Idempotent: a site that
 * already has a peer with the other's uuid keeps it.
 */
export interface SiteAccess {
  /** OS_AUTH_URL of the site (`<lab>/identity/v3`). */
  authUrl: string
  adminPassword: string
}

export interface PeeringOptions {
  /** The gateway each site's subclouds use to reach it (default 192.168.204.101: inside the default SC subnet). */
  gatewayAddress?: string
  heartbeatInterval?: number
  heartbeatFailureThreshold?: number
  heartbeatFailurePolicy?: string
}

export interface PeeredSite {
  uuid: string
  name: string
  /** The id of the system peer record this site has for the other, and whether it was created now. */
  peerId: number
  created: boolean
}

export async function peerSites(
  a: SiteAccess,
  b: SiteAccess,
  options: PeeringOptions = {},
): Promise<[PeeredSite, PeeredSite]> {
  const clientA = clientOf(a)
  const clientB = clientOf(b)
  const [systemA, systemB] = await Promise.all([clientA.system(), clientB.system()])
  if (systemA.uuid === systemB.uuid) {
    throw new Error(`both sites are the same system (${systemA.name}, ${systemA.uuid}): peer two different sites`)
  }
  const onA = await addPeer(clientA, b, systemB, options)
  const onB = await addPeer(clientB, a, systemA, options)
  return [
    {...systemA, ...onA},
    {...systemB, ...onB},
  ]
}

function clientOf(site: SiteAccess): PeerSiteClient {
  return new PeerSiteClient({
    managerEndpoint: site.authUrl,
    managerUsername: 'admin',
    managerPassword: Buffer.from(site.adminPassword).toString('base64'),
  })
}

async function addPeer(
  client: PeerSiteClient,
  other: SiteAccess,
  otherSystem: {uuid: string; name: string},
  options: PeeringOptions,
): Promise<{peerId: number; created: boolean}> {
  try {
    const existing = (await client.dcmanager('GET', `/system-peers/${otherSystem.uuid}`)) as {id: number}
    return {peerId: existing.id, created: false}
  } catch (error) {
    if (!(error instanceof PeerRequestError && error.status === 404)) throw error
  }
  const body: Record<string, unknown> = {
    peer_uuid: otherSystem.uuid,
    peer_name: otherSystem.name,
    manager_endpoint: other.authUrl,
    manager_username: 'admin',
    manager_password: Buffer.from(other.adminPassword).toString('base64'),
    peer_controller_gateway_address: options.gatewayAddress ?? '192.168.204.101',
  }
  if (options.heartbeatInterval !== undefined) body.heartbeat_interval = options.heartbeatInterval
  if (options.heartbeatFailureThreshold !== undefined) {
    body.heartbeat_failure_threshold = options.heartbeatFailureThreshold
  }
  if (options.heartbeatFailurePolicy !== undefined) body.heartbeat_failure_policy = options.heartbeatFailurePolicy
  const peer = (await client.dcmanager('POST', '/system-peers', body)) as {id: number}
  return {peerId: peer.id, created: true}
}
