import path from 'node:path'

import {OperationError} from '../../core/errors.js'
import {readJsonIfExists} from '../../core/files/private-file.js'
import {STATE_FILE, type LabState} from '../lab-store.js'
import {SYSINV_MOUNT_PREFIX} from './sysinv-service.js'

/**
 * `dcm lab env --subcloud NAME`: the environment a shell on a lab subcloud's controller-0 has after
 * `source /etc/platform/openrc`. In the lab one Keystone serves every region, so only the region changes:
 * OS_REGION_NAME becomes the subcloud's own region (32 hex characters), where the catalog lists its sysinv
 * (`platform`) endpoint. Read from the lab's state file: no request is sent.
 */
export interface SubcloudShellEnvironment {
  env: Record<string, string>
  regionName: string
  /** The sysinv endpoint the catalog gives for that region (for a comment line; clients use the catalog). */
  sysinvUrl: string
}

export async function subcloudShellEnvironment(
  dataDir: string,
  labUrl: string,
  systemControllerEnv: Record<string, string>,
  subcloudName: string,
): Promise<SubcloudShellEnvironment> {
  const state = await readJsonIfExists<Pick<LabState, 'subclouds'>>(path.join(dataDir, STATE_FILE))
  const subclouds = state?.subclouds ?? []
  const subcloud = subclouds.find((record) => record.name === subcloudName)
  if (!subcloud) {
    const known = subclouds.map((record) => record.name)
    throw new OperationError(`Subcloud ${subcloudName} not found in the lab in ${dataDir}`, {
      hint: known.length > 0 ? `the lab has: ${known.join(', ')}` : 'add one first: dcm subcloud add ...',
    })
  }
  return {
    env: {...systemControllerEnv, OS_REGION_NAME: subcloud.regionName},
    regionName: subcloud.regionName,
    sysinvUrl: `${labUrl.replace(/\/+$/, '')}${SYSINV_MOUNT_PREFIX}/${subcloud.regionName}/v1`,
  }
}
