import type {DcmanagerRequest} from './dcmanager-request.js'
import {encodeRef} from './dcmanager-request.js'
import type {GroupRequest, Subcloud, SubcloudGroup} from './dcmanager-types.js'

/** `/v1.0/subcloud-groups` (dcmanager-api.md §2.2), like the upstream client's `subcloud_group_manager.py`. */
export class SubcloudGroupManager {
  constructor(private readonly http: DcmanagerRequest) {}

  async list(): Promise<SubcloudGroup[]> {
    return this.http.list<SubcloudGroup>('/subcloud-groups/', 'subcloud_groups', 'Unable to list subcloud groups')
  }

  get(ref: string): Promise<SubcloudGroup> {
    return this.http.record<SubcloudGroup>(
      `/subcloud-groups/${encodeRef(ref)}`,
      `Unable to show subcloud group ${ref}`,
      GROUP_FIELDS,
    )
  }

  async listSubclouds(ref: string): Promise<Subcloud[]> {
    return this.http.list<Subcloud>(
      `/subcloud-groups/${encodeRef(ref)}/subclouds`,
      'subclouds',
      `Unable to get subclouds of subcloud group ${ref}`,
    )
  }

  add(request: GroupRequest): Promise<SubcloudGroup> {
    return this.http.json<SubcloudGroup>(
      'POST',
      '/subcloud-groups/',
      'Unable to add subcloud group',
      request,
      GROUP_FIELDS,
    )
  }

  update(ref: string, request: GroupRequest): Promise<SubcloudGroup> {
    return this.http.json<SubcloudGroup>(
      'PATCH',
      `/subcloud-groups/${encodeRef(ref)}`,
      `Unable to update subcloud group ${ref}`,
      request,
      GROUP_FIELDS,
    )
  }

  delete(ref: string): Promise<void> {
    return this.http.delete(`/subcloud-groups/${encodeRef(ref)}`, `Unable to delete subcloud group ${ref}`)
  }
}

const GROUP_FIELDS = ['id', 'name']
