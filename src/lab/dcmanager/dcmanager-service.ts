import type {LabRequest, LabResponse, LabService} from '../http/http-types.js'
import {catalogEndpoints} from '../http/catalog.js'
import type {LabMount, LabMountContext} from '../http/lab-mounts.js'
import {withRequestId} from '../http/request-id.js'
import {routedService} from '../http/routed-service.js'
import {WebobError, webobErrorResponse, wantsJson} from '../http/webob-error.js'
import {alarmRoutes} from './alarms.js'
import type {DcmanagerContext, DcmanagerFamily} from './dcmanager-http.js'
import {phasedDeployRoutes} from './phased-deploy.js'
import {rootDocumentRoutes} from './root-document.js'
import {subcloudGroupRoutes} from './subcloud-groups.js'
import {subcloudRoutes} from './subclouds.js'
import {systemPeerRoutes} from './system-peers.js'
import {subcloudPeerGroupRoutes} from './subcloud-peer-groups.js'
import {peerGroupAssociationRoutes} from './peer-group-associations.js'

/**
 * The dcmanager REST API of the lab (dcmanager-api.md §2, §3), mounted at `/dcmanager`, so the catalog URL is
 * `<lab>/dcmanager/v1.0`. Each resource is a family module declaring its routes; this file lists them and
 * gives them what every dcmanager answer shares: the token check before routing, and webob error bodies.
 *
 * A new resource (an orchestration strategy, backup, peer groups, ...) is one module exporting a
 * `DcmanagerFamily` (see dcmanager-http.ts) and one line in `DCMANAGER_FAMILIES`.
 */
export const DCMANAGER_FAMILIES: DcmanagerFamily[] = [
  rootDocumentRoutes,
  subcloudRoutes,
  phasedDeployRoutes,
  subcloudGroupRoutes,
  alarmRoutes,
  systemPeerRoutes,
  subcloudPeerGroupRoutes,
  peerGroupAssociationRoutes,
]

export const DCMANAGER_MOUNT_PREFIX = '/dcmanager'

export function createDcmanagerService(
  context: DcmanagerContext,
  families: DcmanagerFamily[] = DCMANAGER_FAMILIES,
): LabService {
  return routedService({
    routes: families.flatMap((family) => family(context)),
    decodeParams: true,
    guard: authenticate,
    notFound: (request) => webobErrorResponse(404, '', wantsJson(request)),
    methodNotAllowed: (request) =>
      webobErrorResponse(405, 'The method is not allowed for this resource.', wantsJson(request)),
    onError: (error, request): LabResponse => {
      if (error instanceof WebobError) return webobErrorResponse(error.status, error.detail, wantsJson(request))
      // An unhandled server exception is a 500 with an empty body (§1.6).
      return {status: 500, headers: {'content-type': 'text/plain'}, body: ''}
    },
  })
}

/** keystonemiddleware in front of dcmanager: the token was validated by the lab server (`request.token`). */
function authenticate(request: LabRequest): undefined {
  const header = request.headers['x-auth-token']
  const token = Array.isArray(header) ? header[0] : header
  if (!token) throw new WebobError(401, 'Failed to validate access token: Authentication required')
  if (!request.token) throw new WebobError(401, `Failed to validate access token: Auth token is invalid: ${token}`)
  return undefined
}

/** dcmanager in the catalog: region SystemController only (§1.4: clients must not filter by OS_REGION_NAME). */
export function dcmanagerMount(context: LabMountContext): LabMount {
  return {
    prefix: DCMANAGER_MOUNT_PREFIX,
    service: withRequestId(createDcmanagerService(context)),
    catalog: (baseUrl) => [
      {
        type: 'dcmanager',
        name: 'dcmanager',
        endpoints: catalogEndpoints('SystemController', `${baseUrl}${DCMANAGER_MOUNT_PREFIX}/v1.0`),
      },
    ],
  }
}
