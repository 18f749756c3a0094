import {WebobError} from '../http/webob-error.js'
import type {DcmanagerContext} from './dcmanager-http.js'

/**
 * upstream's `get_sw_version` / `validate_major_release_version_supported`: no release means the System
 * Controller's; another must be one the System Controller can install (the lab's `--release` list).
 */
export function supportedRelease(release: string | undefined, context: DcmanagerContext): string {
  const current = context.systemController.softwareVersion
  if (release === undefined || release === '') return current
  if (release === current || context.releases.includes(release)) return release
  const supported = context.releases.filter((item) => item !== current)
  throw new WebobError(
    400,
    `Error: invalid release version parameter. ${release} is not a supported release version (${supported.join(',')})`,
  )
}
