import type {DcmanagerRequest} from './dcmanager-request.js'
import {encodeRef} from './dcmanager-request.js'
import type {SubcloudPeerGroup, SystemPeer, SystemPeerRequest} from './geo-types.js'

/** `/v1.0/system-peers` (dcmanager-api.md §2.9), like the upstream client's `system_peer_manager.py`. */
export class SystemPeerManager {
  constructor(private readonly http: DcmanagerRequest) {}

  list(): Promise<SystemPeer[]> {
    return this.http.list<SystemPeer>('/system-peers/', 'system_peers', 'Unable to list system peers')
  }

  /** `ref` is the peer's id, UUID or name. */
  get(ref: string): Promise<SystemPeer> {
    return this.http.record<SystemPeer>(
      `/system-peers/${encodeRef(ref)}`,
      `Unable to show system peer ${ref}`,
      PEER_FIELDS,
    )
  }

  listPeerGroups(ref: string): Promise<SubcloudPeerGroup[]> {
    return this.http.list<SubcloudPeerGroup>(
      `/system-peers/${encodeRef(ref)}/subcloud-peer-groups`,
      'subcloud_peer_groups',
      `Unable to list subcloud peer groups of system peer ${ref}`,
    )
  }

  add(request: SystemPeerRequest): Promise<SystemPeer> {
    return this.http.json<SystemPeer>('POST', '/system-peers/', 'Unable to add system peer', request, PEER_FIELDS)
  }

  update(ref: string, request: SystemPeerRequest): Promise<SystemPeer> {
    return this.http.json<SystemPeer>(
      'PATCH',
      `/system-peers/${encodeRef(ref)}`,
      `Unable to update system peer ${ref}`,
      request,
      PEER_FIELDS,
    )
  }

  delete(ref: string): Promise<void> {
    return this.http.delete(`/system-peers/${encodeRef(ref)}`, `Unable to delete system peer ${ref}`)
  }
}

const PEER_FIELDS = ['id', 'peer-uuid', 'peer-name']
