import type {SubcloudPeerGroupRequest} from '../api/geo-types.js'
import {UsageError} from '../errors.js'

/**
 * The peer group fields dcmanager refuses (dcmanager-api.md §2.10, `api/subcloud_peer_group.py`), checked before
 * anything is sent, in the server's words plus the option and what is allowed.
 */
export const MAX_SUBCLOUD_REHOMING = {min: 1, max: 250} as const

export function checkPeerGroupRequest(request: SubcloudPeerGroupRequest): void {
  const name = request['peer-group-name']
  // `utils.validate_name`: not digits only (it would read as an id), not `none` (it removes a subcloud's group),
  // at most 255 characters, none of the regular-expression characters.
  if (
    name !== undefined &&
    (/^\d+$/.test(name) || name.toLowerCase() === 'none' || name.length > 255 || /[.*+?|()[\]{}^$]/.test(name))
  )
    throw new UsageError(
      `Invalid peer-group-name (--peer-group-name: ${JSON.stringify(name)}: not digits only, not 'none', at most 255 characters, none of .*+?|()[]{}^$)`,
    )
  const max = request['max-subcloud-rehoming']
  if (max !== undefined && (max < MAX_SUBCLOUD_REHOMING.min || max > MAX_SUBCLOUD_REHOMING.max))
    throw new UsageError(
      `Invalid max-subcloud-rehoming (--max-subcloud-rehoming: ${max} is not within ${MAX_SUBCLOUD_REHOMING.min}..${MAX_SUBCLOUD_REHOMING.max})`,
    )
}
