import type {LabMount, LabMountContext} from './lab-mounts.js'
import {createSysinvService, SYSINV_MOUNT_PREFIX} from './sysinv-service.js'

/**
 * Mounts the lab's sysinv at `/sysinv`, where the lab's Keystone catalog points each subcloud region's
 * `platform` endpoint (`/sysinv/<region>/v1`). Tokens are checked against the lab's Keystone here, as
 * keystonemiddleware does in front of the real sysinv.
 */
export function sysinvMount(context: LabMountContext): LabMount {
  const sysinv = createSysinvService(context.store, {mountPath: SYSINV_MOUNT_PREFIX})
  return {
    prefix: SYSINV_MOUNT_PREFIX,
    service: async (request) => {
      const header = request.headers['x-auth-token']
      const token = context.keystone.validate(Array.isArray(header) ? header[0] : header)
      return sysinv({...request, token})
    },
  }
}
