import {UsageError} from '../errors.js'

/** `peer_group_priority` of an association: 1..65536 (dcmanager-api.md §2.11), checked before sending. */
export const ASSOCIATION_PRIORITY = {min: 1, max: 65536} as const

export function checkAssociationPriority(priority: number): void {
  if (priority < ASSOCIATION_PRIORITY.min || priority > ASSOCIATION_PRIORITY.max)
    throw new UsageError(
      `Invalid peer_group_priority (--peer-group-priority: ${priority} is not within ${ASSOCIATION_PRIORITY.min}..${ASSOCIATION_PRIORITY.max})`,
    )
}
