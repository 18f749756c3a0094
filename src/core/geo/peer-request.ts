import type {SystemPeerRequest} from '../api/geo-types.js'
import {UsageError} from '../errors.js'
import {isAddress} from '../net/cidr.js'

/**
 * The system peer fields dcmanager refuses (dcmanager-api.md §2.9, `api/system_peers.py`), checked before anything
 * is sent: the server's own words, then which option and what is allowed. Upstream sends the flags as given and
 * lets the server answer 400; dcm says the same thing with exit 2 and nothing sent (docs/extensions.md).
 */
export const PEER_LIMITS = {
  heartbeat_interval: {min: 10, max: 600, flag: '--heartbeat-interval'},
  heartbeat_failure_threshold: {min: 1, max: 30, flag: '--heartbeat-failure-threshold'},
  heartbeat_maintenance_timeout: {min: 300, max: 36000, flag: '--heartbeat-maintenance-timeout'},
} as const

/** Below this length, as the server's column sizes (`MAX_SYSTEM_PEER_*_LEN`). */
const MAX_TEXT = 255

/** What Python's uuid.UUID() accepts: 32 hex digits, optionally hyphenated as 8-4-4-4-12, braces or urn:uuid:. */
const UUID = /^(?:urn:uuid:)?\{?[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}\}?$/i

export function checkSystemPeerRequest(request: SystemPeerRequest): void {
  const refuse = (field: string, flag: string, why: string): never => {
    throw new UsageError(`Invalid peer ${field} (${flag}: ${why})`)
  }
  if (request.peer_uuid !== undefined && !UUID.test(request.peer_uuid))
    refuse('uuid', '--peer-uuid', `${JSON.stringify(request.peer_uuid)} is not a UUID`)
  if (request.peer_name !== undefined && (request.peer_name.trim() === '' || request.peer_name.length >= MAX_TEXT))
    refuse('name', '--peer-name', `1 to ${MAX_TEXT - 1} characters`)
  const endpoint = request.manager_endpoint
  if (endpoint !== undefined && (!endpoint.startsWith('http') || endpoint.length >= MAX_TEXT))
    refuse('manager_endpoint', '--manager-endpoint', `an http:// or https:// URL of the peer's Keystone`)
  const username = request.manager_username
  if (username !== undefined && (username === '' || username.length >= MAX_TEXT))
    refuse('manager_username', '--manager-username', `1 to ${MAX_TEXT - 1} characters`)
  const gateway = request.peer_controller_gateway_address
  if (gateway !== undefined && !isAddress(gateway))
    refuse(
      'peer_controller_gateway_address',
      '--peer-controller-gateway-address',
      `${JSON.stringify(gateway)} is not an IP address`,
    )
  for (const [field, {min, max, flag}] of Object.entries(PEER_LIMITS)) {
    const value = request[field as keyof typeof PEER_LIMITS]
    if (value !== undefined && (value < min || value > max))
      refuse(field, flag, `${value} is not within ${min}..${max}`)
  }
}
