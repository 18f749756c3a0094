import type {DcmanagerRequest} from './dcmanager-request.js'
import {encodeRef} from './dcmanager-request.js'
import type {Subcloud} from './dcmanager-types.js'
import type {FormField} from './multipart.js'

/** `/v1.0/subclouds` (dcmanager-api.md §2.1), like the upstream client's `subcloud_manager.py`. */
export class SubcloudManager {
  constructor(private readonly http: DcmanagerRequest) {}

  async list(): Promise<Subcloud[]> {
    return this.http.list<Subcloud>('/subclouds/', 'subclouds', 'Unable to list subclouds')
  }

  get(ref: string, options: {detail?: boolean} = {}): Promise<Subcloud> {
    const path = `/subclouds/${encodeRef(ref)}${options.detail ? '/detail' : ''}`
    // --wait reads deploy-status from this record: a record without it is the wrong shape.
    return this.http.record<Subcloud>(path, `Unable to show subcloud ${ref}`, [...SUBCLOUD_FIELDS, 'deploy-status'])
  }

  /** POST with the multipart form of §2.1.1. */
  add(fields: FormField[]): Promise<Subcloud> {
    return this.http.form<Subcloud>('POST', '/subclouds/', 'Unable to add subcloud', fields, SUBCLOUD_FIELDS)
  }

  /** PATCH with the multipart form of §2.1.2 (manage, unmanage, update); `context` names the action in errors. */
  update(ref: string, fields: FormField[], context = `Unable to update subcloud ${ref}`): Promise<Subcloud> {
    return this.http.form<Subcloud>('PATCH', `/subclouds/${encodeRef(ref)}`, context, fields, SUBCLOUD_FIELDS)
  }

  /** PATCH `redeploy` with the multipart form of §2.1.4; the answer already stores `pre-install`. */
  redeploy(ref: string, fields: FormField[]): Promise<Subcloud> {
    const path = `/subclouds/${encodeRef(ref)}/redeploy`
    return this.http.form<Subcloud>('PATCH', path, `Unable to redeploy subcloud ${ref}`, fields, SUBCLOUD_FIELDS)
  }

  /** PATCH `prestage` with the JSON body of §2.1.3; the answer stores `prestaging` and adds the version. */
  prestage(ref: string, body: Record<string, string>): Promise<Subcloud> {
    const path = `/subclouds/${encodeRef(ref)}/prestage`
    return this.http.json<Subcloud>('PATCH', path, `Unable to prestage subcloud ${ref}`, body, SUBCLOUD_FIELDS)
  }

  delete(ref: string): Promise<void> {
    return this.http.delete(`/subclouds/${encodeRef(ref)}`, `Unable to delete subcloud ${ref}`)
  }
}

/** What every caller of a subcloud record relies on (tables, --wait); other fields may be absent. */
const SUBCLOUD_FIELDS = ['id', 'name']
