import type {DcmanagerRequest} from './dcmanager-request.js'
import {encodeRef} from './dcmanager-request.js'
import type {DeployFiles} from './dcmanager-types.js'
import type {FormField} from './multipart.js'
import {expectObject} from './response-shape.js'

/**
 * `/v1.0/subcloud-deploy` (dcmanager-api.md §2.3), like the upstream client's `subcloud_deploy_manager.py`: the
 * deploy playbook, overrides, chart and prestage image list stored per release.
 */
export class DeployFilesManager {
  constructor(private readonly http: DcmanagerRequest) {}

  /** Multipart upload; the answer names the release and each file uploaded. */
  upload(fields: FormField[]): Promise<Partial<DeployFiles>> {
    return this.http.form<Partial<DeployFiles>>(
      'POST',
      '/subcloud-deploy/',
      'Unable to upload subcloud deploy files',
      fields,
      [],
    )
  }

  /** The files of `release` (default: the System Controller's release). */
  async show(release?: string): Promise<DeployFiles> {
    const path = `/subcloud-deploy/${release ? encodeRef(release) : ''}`
    const body = await this.http.record<{subcloud_deploy: DeployFiles}>(path, 'Unable to show subcloud deploy files', [
      'subcloud_deploy',
    ])
    return expectObject<DeployFiles>(body.subcloud_deploy, `GET ${path} subcloud_deploy`, 200, [])
  }

  /**
   * Both switches are always sent, as python's `str(bool)` (`True`/`False`); both false deletes every file of the
   * release.
   */
  delete(release: string | undefined, what: {deploymentFiles: boolean; prestageImages: boolean}): Promise<void> {
    const query = `?deployment_files=${pythonBool(what.deploymentFiles)}&prestage_images=${pythonBool(what.prestageImages)}`
    return this.http.delete(
      `/subcloud-deploy/${release ? `${encodeRef(release)}/` : ''}${query}`,
      'Unable to delete subcloud deploy files',
    )
  }
}

function pythonBool(value: boolean): string {
  return value ? 'True' : 'False'
}
