import type {LabResponse} from './http/http-types.js'
import type {LabMount, LabMountContext} from './http/lab-mounts.js'
import {routedService} from './http/routed-service.js'

/** `GET /lab/status`: liveness for `dcm lab status` (no secrets, no token). Anything else is an empty 404. */
export function labStatusMount(context: LabMountContext): LabMount {
  const empty404 = (): LabResponse => ({status: 404, body: ''})
  return {
    prefix: '/lab',
    service: routedService({
      routes: [
        {
          method: 'GET',
          path: '/status',
          handler: () => ({
            status: 200,
            body: {
              pid: process.pid,
              url: context.baseUrl(),
              deployer: context.deployerKind,
              subclouds: context.store.subclouds.length,
              // The site's identity (sysinv isystems): what a peer's `system-peer add --peer-uuid` names.
              system: context.geo?.tables.system,
              uptimeSeconds: Math.round(process.uptime()),
            },
          }),
        },
      ],
      notFound: empty404,
      methodNotAllowed: empty404,
    }),
  }
}
