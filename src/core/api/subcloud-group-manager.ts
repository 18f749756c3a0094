import type {DcmanagerRequest} from './dcmanager-request.js'
import {encodeRef} from './dcmanager-request.js'
import type {GroupRequest, Subcloud, SubcloudGroup} from './dcmanager-types.js'

/** `/v1.0/subcloud-groups` (dcmanager-api.md §2.2), like the upstream client's `subcloud_group_manager.py`. */
export class SubcloudGroupManager {
  constructor(private readonly http: DcmanagerRequest) {}

  async list(): Promise<SubcloudGroup[]> {
    const body = await this.http.get<{subcloud_groups?: SubcloudGroup[]}>(
      '/subcloud-groups/',
      'Unable to list subcloud groups',
    )
    return body.subcloud_groups ?? []
  }

  get(ref: string): Promise<SubcloudGroup> {
    return this.http.get<SubcloudGroup>(`/subcloud-groups/${encodeRef(ref)}`, `Unable to show subcloud group ${ref}`)
  }

  async listSubclouds(ref: string): Promise<Subcloud[]> {
    const body = await this.http.get<{subclouds?: Subcloud[]}>(
      `/subcloud-groups/${encodeRef(ref)}/subclouds`,
      `Unable to get subclouds of subcloud group ${ref}`,
    )
    return body.subclouds ?? []
  }

  add(request: GroupRequest): Promise<SubcloudGroup> {
    return this.http.json<SubcloudGroup>('POST', '/subcloud-groups/', 'Unable to add subcloud group', request)
  }

  update(ref: string, request: GroupRequest): Promise<SubcloudGroup> {
    return this.http.json<SubcloudGroup>(
      'PATCH',
      `/subcloud-groups/${encodeRef(ref)}`,
      `Unable to update subcloud group ${ref}`,
      request,
    )
  }

  delete(ref: string): Promise<void> {
    return this.http.delete(`/subcloud-groups/${encodeRef(ref)}`, `Unable to delete subcloud group ${ref}`)
  }
}
