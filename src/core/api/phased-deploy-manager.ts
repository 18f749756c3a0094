import type {DcmanagerRequest} from './dcmanager-request.js'
import {encodeRef} from './dcmanager-request.js'
import type {Subcloud} from './dcmanager-types.js'
import type {FormField} from './multipart.js'

/**
 * `/v1.0/phased-subcloud-deploy` (dcmanager-api.md §2.4), like the upstream client's
 * `phased_subcloud_deploy_manager.py`: create is a POST, every other phase a multipart PATCH on
 * `/{subcloud}/<verb>`; each answers the subcloud record.
 */
export type DeployVerb = 'install' | 'bootstrap' | 'configure' | 'complete' | 'abort' | 'resume' | 'enroll'

export class PhasedDeployManager {
  constructor(private readonly http: DcmanagerRequest) {}

  /** Upstream's create prints the server's text with no "Unable to ..." in front. */
  create(fields: FormField[]): Promise<Subcloud> {
    return this.http.form<Subcloud>('POST', '/phased-subcloud-deploy/', '', fields, SUBCLOUD_FIELDS)
  }

  /** One phase; `context` is the upstream client's error prefix for it (empty for bootstrap and resume). */
  phase(ref: string, verb: DeployVerb, fields: FormField[], context: string): Promise<Subcloud> {
    const path = `/phased-subcloud-deploy/${encodeRef(ref)}/${verb}`
    return this.http.form<Subcloud>('PATCH', path, context, fields, SUBCLOUD_FIELDS)
  }
}

/** A phase's answer is a subcloud record; --wait and the table need these. */
const SUBCLOUD_FIELDS = ['id', 'name', 'deploy-status']
