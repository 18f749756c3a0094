import type {LabResponse} from '../http/http-types.js'
import {WebobError} from '../http/webob-error.js'
import {type DcmanagerContext, type DcmanagerFamily, json, subcloudOr404, toApi} from './dcmanager-http.js'

/**
 * `/v1.0/phased-subcloud-deploy`: the lab serves `abort` of a running initial deploy (local-bootstrap.md §5.3).
 * The other phases (create, install, bootstrap, configure, complete, resume) belong here when the lab grows them.
 */
export const phasedDeployRoutes: DcmanagerFamily = (context) => [
  {
    method: 'PATCH',
    path: '/v1.0/phased-subcloud-deploy/:subcloud/abort',
    handler: (request, {subcloud}) => abortDeploy(context, subcloud),
  },
]

async function abortDeploy({store, runner}: DcmanagerContext, ref: string): Promise<LabResponse> {
  const record = subcloudOr404(store, ref)
  if (!['installing', 'bootstrapping', 'configuring'].includes(record.deployStatus)) {
    throw new WebobError(
      400,
      'Subcloud deploy status must be in one of the following states: installing, bootstrapping, configuring',
    )
  }
  if (!runner.abort(record.id)) {
    throw new WebobError(400, 'The subcloud can only be aborted during initial deployment.')
  }
  // The answer shows `aborting-<phase>` (local-bootstrap.md §5.3), even if the phase stops at once.
  const answer = json(toApi(record))
  await store.persist()
  return answer
}
