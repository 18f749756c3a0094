import type {LabRequest, LabResponse} from '../http/http-types.js'
import {WebobError} from '../http/webob-error.js'
import {sleep} from '../deploy/simulated-deployer.js'
import {playbookFailure, takeDeployFault} from '../deploy/deploy-phases.js'
import {type DcmanagerContext, type DcmanagerFamily, json, subcloudOr404, toApi} from './dcmanager-http.js'
import {decodePassword} from './subcloud-add-fields.js'
import {NO_ERRORS, type SubcloudRecord} from './subcloud-model.js'
import {transientReason} from './subcloud-update.js'
import {supportedRelease} from './release-check.js'

/**
 * `PATCH /v1.0/subclouds/{subcloud}/prestage` (subcloud-lifecycle.md §4, dcmanager-api.md §2.1.3): the checks of
 * §4.1 in upstream's order (release checks before the offline/unmanaged ones), then `prestage-status`
 * prestaging -> complete | failed and `prestage-versions` as upstream formats them. The packages and images
 * playbooks are timed; images are skipped as upstream skips them (no `prestage_images` list, or for-sw-deploy).
 */
const BOOLEAN_TEXT = new Set(['true', 'false', 't', 'f'])
const MIN_SW_DEPLOY_RELEASE = '24.09'

export const subcloudPrestageRoutes: DcmanagerFamily = (context) => [
  {
    method: 'PATCH',
    path: '/v1.0/subclouds/:subcloud/prestage',
    handler: (request, {subcloud}) => prestage(context, request, subcloudOr404(context.store, subcloud)),
  },
]

async function prestage(context: DcmanagerContext, request: LabRequest, record: SubcloudRecord): Promise<LabResponse> {
  if (['secondary', 'secondary-failed'].includes(record.deployStatus)) {
    throw new WebobError(500, `Cannot perform on ${record.deployStatus} state subcloud`)
  }
  let body: Record<string, unknown>
  try {
    body = JSON.parse(request.body.toString('utf8')) as Record<string, unknown>
  } catch {
    throw new WebobError(400, 'Request body is malformed.')
  }
  // Upstream reads fields with body.get(): a JSON body that is not an object crashes it (500).
  if (!body || typeof body !== 'object' || Array.isArray(body)) throw new Error('prestage body is not an object')
  if (body.sysadmin_password === undefined || body.sysadmin_password === null) {
    throw new WebobError(400, 'sysadmin_password is required.')
  }
  if (body.sysadmin_password !== '') decodePassword(String(body.sysadmin_password), 'sysadmin')
  const flags: Record<string, boolean> = {}
  for (const option of ['force', 'for_install', 'for_sw_deploy']) {
    const value = body[option]
    if (value === undefined) continue
    if (!BOOLEAN_TEXT.has(String(value).toLowerCase())) {
      throw new WebobError(400, `Invalid value for ${option} option: ${String(value)}`)
    }
    flags[option] = String(value).toLowerCase().startsWith('t')
  }
  const forSwDeploy = flags.for_sw_deploy === true
  const failed = (reason: string) => new WebobError(400, `Prestage failed '${record.name}': ${reason}`)
  const skipped = (reason: string) => new WebobError(400, `Prestage skipped '${record.name}': ${reason}`)
  const release = body.release === undefined || body.release === '' ? undefined : String(body.release)
  if (release !== undefined && !/^\d\d\.\d\d$/.test(release)) {
    throw failed('Specified release format is not supported. Version format must be MM.mm.')
  }
  let version: string
  if (forSwDeploy) {
    version = release ?? context.systemController.softwareVersion
    if (version < MIN_SW_DEPLOY_RELEASE) {
      throw failed('The requested software version is not supported, cannot prestage for software deploy.')
    }
    if (version !== context.systemController.softwareVersion && !context.releases.includes(version)) {
      throw failed(
        'The requested software version not found or not deployed in the system controller, cannot prestage for software deploy.',
      )
    }
    if (version < record.softwareVersion) {
      throw failed(
        `The requested software version (${version}) is lower than the current subcloud software version (${record.softwareVersion}).`,
      )
    }
  } else {
    version = supportedRelease(release, context)
  }
  if (record.availabilityStatus !== 'online') throw skipped('Subcloud is offline.')
  if (record.managementState !== 'managed') throw skipped('Subcloud is not managed.')
  const busy = transientReason(record)
  if (busy) throw skipped(busy)
  if (!['complete', 'sw-deploy-apply-strategy-failed'].includes(record.deployStatus)) {
    throw skipped('Prestage operation is not allowed when subcloud deploy is in progress.')
  }
  if (record.prestageStatus && !['failed', 'complete'].includes(record.prestageStatus)) {
    throw skipped(
      `Prestage operation is only allowed while subcloud prestage status is one of: failed, complete. The current prestage status is ${record.prestageStatus}.`,
    )
  }
  // The lab's subclouds report their system mode and health, carry no alarms, and controller-0 is active.
  context.store.updateSubcloud(record.id, {prestageStatus: 'prestaging'})
  await context.store.persist()
  const answer = json({...toApi(record), 'prestage-software-version': version})
  void context.runner.background((signal) => runPrestage(context, record.id, version, forSwDeploy, signal))
  return answer
}

/** Packages, then images (skipped as upstream does), then `complete` with prestage-versions, or `failed`. */
async function runPrestage(
  {store, runner}: DcmanagerContext,
  id: number,
  version: string,
  forSwDeploy: boolean,
  signal: AbortSignal,
): Promise<void> {
  const fault = takeDeployFault(store, id, ['prestaging'])
  await sleep(runner.stepMs * 2, signal)
  const record = store.subcloudById(id)
  if (!record || signal.aborted) return
  const images = Boolean(store.deployFilesOf(version)?.prestage_images)
  const skipImages = !images && (forSwDeploy || version !== record.softwareVersion)
  if (!skipImages) await sleep(runner.stepMs * 2, signal)
  if (signal.aborted || !store.subcloudById(id)) return
  if (fault) {
    store.updateSubcloud(id, {
      prestageStatus: 'failed',
      errorDescription: playbookFailure('prestaging', record.name, fault.reason),
    })
  } else {
    store.updateSubcloud(id, {
      prestageStatus: 'complete',
      prestageVersions: prestageVersions(record.prestageVersions, version, forSwDeploy),
      errorDescription: NO_ERRORS,
    })
  }
  await store.persist()
}

/** `for-install: <v|None> - for-sw-deploy: <v|None>`: this prestage's part replaced, the other kept. */
export function prestageVersions(previous: string | null, version: string, forSwDeploy: boolean): string {
  const parts = /^for-install: (\S+) - for-sw-deploy: (\S+)$/.exec(previous ?? '')
  const install = forSwDeploy ? (parts?.[1] ?? 'None') : version
  const swDeploy = forSwDeploy ? version : (parts?.[2] ?? 'None')
  return `for-install: ${install} - for-sw-deploy: ${swDeploy}`
}
