import type {DcmanagerRequest} from './dcmanager-request.js'
import {encodeRef} from './dcmanager-request.js'
import type {Subcloud} from './dcmanager-types.js'
import type {SubcloudPeerGroup, SubcloudPeerGroupRequest, SubcloudPeerGroupStatus} from './geo-types.js'

/** `/v1.0/subcloud-peer-groups` (dcmanager-api.md §2.10), like the upstream `subcloud_peer_group_manager.py`. */
export class SubcloudPeerGroupManager {
  constructor(private readonly http: DcmanagerRequest) {}

  list(): Promise<SubcloudPeerGroup[]> {
    return this.http.list<SubcloudPeerGroup>(
      '/subcloud-peer-groups/',
      'subcloud_peer_groups',
      'Unable to list subcloud peer groups',
    )
  }

  /** `ref` is the group's id or name. */
  get(ref: string): Promise<SubcloudPeerGroup> {
    return this.http.record<SubcloudPeerGroup>(
      `/subcloud-peer-groups/${encodeRef(ref)}`,
      `Unable to show subcloud peer group ${ref}`,
      GROUP_FIELDS,
    )
  }

  listSubclouds(ref: string): Promise<Subcloud[]> {
    return this.http.list<Subcloud>(
      `/subcloud-peer-groups/${encodeRef(ref)}/subclouds`,
      'subclouds',
      `Unable to list subclouds of subcloud peer group ${ref}`,
    )
  }

  status(ref: string): Promise<SubcloudPeerGroupStatus> {
    return this.http.record<SubcloudPeerGroupStatus>(
      `/subcloud-peer-groups/${encodeRef(ref)}/status`,
      `Unable to show the status of subcloud peer group ${ref}`,
      ['peer_group_id', 'total_subclouds'],
    )
  }

  add(request: SubcloudPeerGroupRequest): Promise<SubcloudPeerGroup> {
    return this.http.json<SubcloudPeerGroup>(
      'POST',
      '/subcloud-peer-groups/',
      'Unable to add subcloud peer group',
      request,
      GROUP_FIELDS,
    )
  }

  update(ref: string, request: SubcloudPeerGroupRequest): Promise<SubcloudPeerGroup> {
    return this.http.json<SubcloudPeerGroup>(
      'PATCH',
      `/subcloud-peer-groups/${encodeRef(ref)}`,
      `Unable to update subcloud peer group ${ref}`,
      request,
      GROUP_FIELDS,
    )
  }

  /** Rehome the group's secondary / rehome-failed subclouds to this site; answers the subclouds it starts. */
  migrate(ref: string, sysadminPasswordBase64: string): Promise<Subcloud[]> {
    return this.http.jsonList<Subcloud>(
      'PATCH',
      `/subcloud-peer-groups/${encodeRef(ref)}/migrate`,
      `Unable to migrate subcloud peer group ${ref}`,
      {sysadmin_password: sysadminPasswordBase64},
      'subclouds',
    )
  }

  delete(ref: string): Promise<void> {
    return this.http.delete(`/subcloud-peer-groups/${encodeRef(ref)}`, `Unable to delete subcloud peer group ${ref}`)
  }
}

const GROUP_FIELDS = ['id', 'peer_group_name']
