import type {LabRequest, LabResponse} from '../http/http-types.js'
import {WebobError} from '../http/webob-error.js'
import {pythonStr} from '../../core/overrides/install-values.js'
import {
  type DcmanagerContext,
  type DcmanagerFamily,
  json,
  parseJsonBody,
  pythonTruthy,
  readForm,
  revisionCache,
  subcloudOr404,
  toApi,
} from './dcmanager-http.js'
import {recordFromAdd, validateSubcloudAdd} from './subcloud-add-validation.js'
import {ACTIVE_DEPLOY_STATES, aggregateSync, endpointSyncList} from './subcloud-model.js'
import {updateSubcloud} from './subcloud-update.js'
import type {DeployPhase} from '../deploy/deploy-phases.js'
import {missingDeployFiles} from './subcloud-deploy-files.js'
import {fromPeer} from '../geo/subcloud-geo-rules.js'
import {secondaryFields} from '../geo/secondary-subcloud.js'

/**
 * `/v1.0/subclouds` (dcmanager-api.md §2.1, §3): list, show (and `/detail`), add (multipart; the deploy then
 * runs in the lab's deploy runner), update (subcloud-update.ts), `update_status`, delete, and the removed
 * verbs upstream answers with 410.
 */
export const subcloudRoutes: DcmanagerFamily = (context) => {
  /**
   * Adds run one at a time: the checks against existing subclouds (name, ranges, OAM) and the insert must not
   * interleave with another add's, or two concurrent adds could both pass and overlap.
   */
  let addQueue: Promise<void> = Promise.resolve()
  const addSubcloud = (request: LabRequest): Promise<LabResponse> => {
    const result = addQueue.then(() => addSubcloudNow(context, request))
    addQueue = result.then(
      () => undefined,
      () => undefined,
    )
    return result
  }

  const cached = revisionCache(context.store)

  return [
    {method: 'GET', path: '/v1.0/subclouds', handler: () => cached('list', () => listSubclouds(context))},
    {method: 'POST', path: '/v1.0/subclouds', handler: (request) => addSubcloud(request)},
    {
      // pecan routes a PATCH without a subcloud to the same handler, which refuses it (subcloud_ref is None).
      method: 'PATCH',
      path: '/v1.0/subclouds',
      handler: (): LabResponse => {
        throw new WebobError(400, 'Subcloud ID required')
      },
    },
    {
      method: 'GET',
      path: '/v1.0/subclouds/:subcloud/detail',
      handler: (request, {subcloud}) => showSubcloud(context, subcloud, true, fromPeer(request)),
    },
    {
      method: 'GET',
      path: '/v1.0/subclouds/:subcloud',
      handler: (request, {subcloud}) => showSubcloud(context, subcloud, false, fromPeer(request)),
    },
    {
      method: 'PATCH',
      path: '/v1.0/subclouds/:subcloud',
      handler: (request, {subcloud}) => updateSubcloud(context, request, subcloud),
    },
    {
      method: 'PATCH',
      path: '/v1.0/subclouds/:subcloud/update_status',
      handler: (request, {subcloud}) => updateStatus(context, request, subcloud),
    },
    ...Object.entries(REMOVED_VERBS).map(([verb, message]) => ({
      method: 'PATCH',
      path: `/v1.0/subclouds/:subcloud/${verb}`,
      handler: (): LabResponse => {
        throw new WebobError(410, message)
      },
    })),
    {
      // Upstream's patch falls through its verbs and returns None: any other verb is a 200 `null`, once the
      // subcloud is found.
      method: 'PATCH',
      path: '/v1.0/subclouds/:subcloud/:verb',
      handler: (request, {subcloud}) => {
        subcloudOr404(context.store, subcloud)
        return json(null)
      },
    },
    {
      method: 'DELETE',
      path: '/v1.0/subclouds/:subcloud',
      handler: (request, {subcloud}) => deleteSubcloud(context, subcloud, fromPeer(request)),
    },
  ]
}

const REMOVED_VERBS: Record<string, string> = {
  restore: 'This API is deprecated. Please use /v1.0/subcloud-backup/restore',
  reconfigure: 'This API is deprecated. Please use /v1.0/phased-subcloud-deploy/{subcloud}/configure',
  reinstall: 'This API is deprecated. Please use /v1.0/subclouds/{subcloud}/redeploy',
}

/**
 * The list body. The two list-only fields are added to toApi's object rather than spread with it into a new one:
 * at 5,000 subclouds the spread copies made building and serialising the list take twice as long (105 vs 49 ms).
 */
function listSubclouds({store}: DcmanagerContext): {subclouds: Array<Record<string, unknown>>} {
  const subclouds = store.subclouds.map((record) => {
    const row = toApi(record)
    row.sync_status = aggregateSync(record)
    row.endpoint_sync_status = endpointSyncList(record)
    return row
  })
  return {subclouds}
}

function showSubcloud({store}: DcmanagerContext, ref: string, detail: boolean, peer: boolean): LabResponse {
  // A peer site names subclouds by region name.
  const record = peer && !/^\d+$/.test(ref) ? store.subcloudByRegion(ref) : subcloudOr404(store, ref)
  if (!record) throw new WebobError(404, 'Subcloud not found')
  const body: Record<string, unknown> = {...toApi(record), endpoint_sync_status: endpointSyncList(record)}
  if (detail) {
    const online = record.availabilityStatus === 'online'
    body.oam_floating_ip = online ? record.oamFloatingAddress : 'unavailable'
    body.deploy_config_sync_status = online ? 'Deployment: configurations up-to-date' : 'unknown'
    body.region_name = record.regionName
  }
  return json(body)
}

async function addSubcloudNow(context: DcmanagerContext, request: LabRequest): Promise<LabResponse> {
  const parts = readForm(request, false)
  const {store} = context
  const valid = await validateSubcloudAdd(parts, {
    store,
    systemController: context.systemController,
    releases: context.releases,
    missingDeployFiles: (release) => missingDeployFiles(store, release),
  })
  const record = recordFromAdd(store.allocateSubcloudId(), valid, valid.secondary ? 'secondary' : 'not-deployed')
  // An enrolled or migrated subcloud is not in its initial deployment (§1.4).
  if (valid.enroll || valid.migrate) record.initialDeployment = false
  // A peer's copy keeps the primary's region name and the bootstrap values as rehome data.
  if (valid.secondary) Object.assign(record, secondaryFields(parts, valid.bootstrapAddress))
  store.insertSubcloud(record)
  await store.persist()
  const response = json(toApi(record))
  if (!valid.secondary) {
    context.runner.start({
      subcloudId: record.id,
      phases: addPhases(valid),
      request: {
        subcloudName: record.name,
        regionName: record.regionName,
        bootstrapAddress: valid.bootstrapAddress,
        bootstrapValues: valid.bootstrapValues,
        sysadminPassword: valid.sysadminPassword,
        release: valid.softwareVersion,
      },
    })
  }
  return response
}

/** §3.2 happy paths of an add: install when install values came, config when a deploy config did. */
function addPhases(valid: {
  migrate: boolean
  enroll: boolean
  dataInstall: string | null
  hasDeployConfig: boolean
}): DeployPhase[] {
  // A rehoming add stores `pre-rehome` where others store `creating` (subcloud_deploy_create), then rehomes.
  if (valid.migrate) return ['rehome']
  if (valid.enroll) return ['create', 'enroll', valid.hasDeployConfig ? 'config' : 'complete']
  return [
    'create',
    ...(valid.dataInstall === null ? [] : (['install'] as const)),
    'bootstrap',
    valid.hasDeployConfig ? 'config' : 'complete',
  ]
}

async function updateStatus({store}: DcmanagerContext, request: LabRequest, ref: string): Promise<LabResponse> {
  const record = subcloudOr404(store, ref)
  const body = parseJsonBody(request)
  // Upstream's order and texts (SubcloudsController.updatestatus); Python truthiness decides "required".
  const {endpoint, status} = body
  if (!pythonTruthy(endpoint)) throw new WebobError(400, 'endpoint required')
  if (endpoint !== 'dc-cert')
    throw new WebobError(400, `updating endpoint ${pythonStr(endpoint)} status is not allowed`)
  if (!pythonTruthy(status)) throw new WebobError(400, 'status required')
  if (typeof status !== 'string' || !['in-sync', 'out-of-sync', 'unknown'].includes(status)) {
    throw new WebobError(400, `status ${pythonStr(status)} in invalid.`)
  }
  store.updateSubcloud(record.id, {
    endpointSyncStatus: {...record.endpointSyncStatus, 'dc-cert': body.status as 'in-sync'},
  })
  await store.persist()
  return json({result: 'OK'})
}

async function deleteSubcloud({store, runner}: DcmanagerContext, ref: string, peer: boolean): Promise<LabResponse> {
  const record = subcloudOr404(store, ref)
  if (record.managementState === 'managed' && !peer) {
    throw new WebobError(400, "Cannot delete a subcloud that is 'managed' status")
  }
  if (ACTIVE_DEPLOY_STATES.has(record.deployStatus)) {
    throw new WebobError(400, 'Cannot delete a subcloud during an active operation.')
  }
  if (record.peerGroupId !== null && !peer) {
    throw new WebobError(400, 'Cannot delete a subcloud that is part of a peer group on this site')
  }
  if (record.availabilityStatus === 'online') {
    throw new WebobError(422, 'Subcloud must be powered down to perform this operation.')
  }
  // A deploy between two phases (e.g. still `not-deployed`) is stopped first, so nothing writes after the delete.
  await runner.cancel(record.id)
  runner.forget(record.id)
  store.deleteSubcloud(record.id)
  await store.persist()
  return json(null)
}
