import {randomUUID} from 'node:crypto'

import type {LabService} from './http-types.js'

/**
 * oslo's request-id middleware in front of an OpenStack service: every response, errors included, carries
 * `x-openstack-request-id: req-<uuid>` (clients log it; upstream's root-controller test checks its form).
 */
export function withRequestId(service: LabService): LabService {
  return async (request) => {
    const response = await service(request)
    return {...response, headers: {...response.headers, 'x-openstack-request-id': `req-${randomUUID()}`}}
  }
}
