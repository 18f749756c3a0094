import type {LabRequest, LabResponse} from '../http/http-types.js'
import {WebobError} from '../http/webob-error.js'
import {type DcmanagerContext, type DcmanagerFamily, json, subcloudOr404, toApi} from './dcmanager-http.js'
import {
  applyBootstrapValues,
  bootstrapValues,
  deployConfig,
  installValues,
  readPhaseForm,
  startPhases,
} from './deploy-inputs.js'
import {missingDeployFiles} from './subcloud-deploy-files.js'
import {NO_ERRORS, type SubcloudRecord} from './subcloud-model.js'
import {supportedRelease} from './release-check.js'

/**
 * `PATCH /v1.0/subclouds/{subcloud}/redeploy` (subcloud-lifecycle.md §3.2, dcmanager-api.md §2.1.4): reinstall,
 * bootstrap and (with a deploy config) configure an offline, unmanaged subcloud, with upstream's checks in order.
 * The API stores `pre-install`, the new software version and install data before it answers; the phases then
 * run in the deploy runner and stop at the first failure. The lab's BMCs always answer, and none of its
 * subclouds is vCSR-enrolled, so those two refusals never fire here.
 */
export const subcloudRedeployRoutes: DcmanagerFamily = (context) => [
  {
    method: 'PATCH',
    path: '/v1.0/subclouds/:subcloud/redeploy',
    handler: (request, {subcloud}) => redeploy(context, request, subcloudOr404(context.store, subcloud)),
  },
]

async function redeploy(context: DcmanagerContext, request: LabRequest, record: SubcloudRecord): Promise<LabResponse> {
  if (['secondary', 'secondary-failed'].includes(record.deployStatus)) {
    throw new WebobError(500, `Cannot perform on ${record.deployStatus} state subcloud`)
  }
  const form = readPhaseForm(request)
  const install = await form.yaml('install_values')
  const newValues = await form.yaml('bootstrap_values')
  // A new deploy config is stored at once, before the later checks (§1.4).
  if (form.has('deploy_config')) deployConfig(context, record, form)
  if (record.availabilityStatus === 'online' || record.managementState === 'managed') {
    throw new WebobError(400, 'Cannot re-deploy an online and/or managed subcloud')
  }
  // Default release: the System Controller's, not the subcloud's (§3.5 item 3).
  const release = supportedRelease(form.field('release'), context)
  const dataInstall = installValues(record, install, form, release)
  const values = await bootstrapValues(
    context,
    record,
    form,
    'Required bootstrap_values file was not provided and it was not previously available.',
  )
  void newValues
  const withConfig = Boolean(record.deployConfigName)
  const password = form.password()
  if (withConfig) {
    const missing = missingDeployFiles(context.store, release)
    if (missing.length > 0) throw new WebobError(400, `Missing required deploy files: ${missing.join(', ')}`)
  }
  const description = form.field('description')
  const location = form.field('location')
  context.store.updateSubcloud(record.id, {
    deployStatus: 'pre-install',
    softwareVersion: release,
    dataInstall,
    errorDescription: NO_ERRORS,
    initialDeployment: true,
    ...(description !== undefined ? {description} : {}),
    ...(location !== undefined ? {location} : {}),
  })
  applyBootstrapValues(context, record, values)
  await context.store.persist()
  const answer = json(toApi(record))
  startPhases(context, record, ['install', 'bootstrap', withConfig ? 'config' : 'complete'], password, {
    bootstrapValues: values.text,
  })
  return answer
}
