import {base64Password} from '../api/multipart.js'
import {UsageError} from '../errors.js'

/**
 * `subcloud prestage` (subcloud-lifecycle.md §4.1, dcmanager-api.md §2.1.3): the JSON body the upstream client
 * sends. --for-install is the default and is sent as such; --for-sw-deploy replaces it; both are refused.
 */
export interface PrestageRequest {
  force?: boolean
  release?: string
  forInstall?: boolean
  forSwDeploy?: boolean
}

/** Upstream raises this after its password prompt; dcm checks it first, so nothing is asked or sent. */
export function checkPrestageRequest(request: PrestageRequest): void {
  if (request.forInstall && request.forSwDeploy)
    throw new UsageError('Options --for-install and --for-sw-deploy cannot be combined')
}

export function prestageBody(request: PrestageRequest, sysadminPassword: string): Record<string, string> {
  const body: Record<string, string> = {}
  if (request.force) body.force = 'true'
  body.sysadmin_password = base64Password(sysadminPassword)
  if (request.release) body.release = request.release
  if (request.forSwDeploy) body.for_sw_deploy = 'true'
  else body.for_install = 'true'
  return body
}
