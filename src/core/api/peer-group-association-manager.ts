import type {DcmanagerRequest} from './dcmanager-request.js'
import {encodeRef} from './dcmanager-request.js'
import type {PeerGroupAssociation, PeerGroupAssociationRequest} from './geo-types.js'

/**
 * `/v1.0/peer-group-associations` (dcmanager-api.md §2.11), like the upstream
 * `peer_group_association_manager.py`. Associations are addressed by their integer id only.
 */
export class PeerGroupAssociationManager {
  constructor(private readonly http: DcmanagerRequest) {}

  list(): Promise<PeerGroupAssociation[]> {
    return this.http.list<PeerGroupAssociation>(
      '/peer-group-associations/',
      'peer_group_associations',
      'Unable to list peer group associations',
    )
  }

  get(id: string): Promise<PeerGroupAssociation> {
    return this.http.record<PeerGroupAssociation>(
      `/peer-group-associations/${encodeRef(id)}`,
      `Unable to show peer group association ${id}`,
      ASSOCIATION_FIELDS,
    )
  }

  add(request: PeerGroupAssociationRequest): Promise<PeerGroupAssociation> {
    return this.http.json<PeerGroupAssociation>(
      'POST',
      '/peer-group-associations/',
      'Unable to add peer group association',
      request,
      ASSOCIATION_FIELDS,
    )
  }

  update(id: string, peerGroupPriority: number): Promise<PeerGroupAssociation> {
    return this.http.json<PeerGroupAssociation>(
      'PATCH',
      `/peer-group-associations/${encodeRef(id)}`,
      `Unable to update peer group association ${id}`,
      {peer_group_priority: peerGroupPriority},
      ASSOCIATION_FIELDS,
    )
  }

  /** Push the peer group and its subclouds to the peer site again; the server answers `syncing`. */
  sync(id: string): Promise<PeerGroupAssociation> {
    return this.http.bodiless<PeerGroupAssociation>(
      'PATCH',
      `/peer-group-associations/${encodeRef(id)}/sync`,
      `Unable to sync peer group association ${id}`,
      ASSOCIATION_FIELDS,
    )
  }

  delete(id: string): Promise<void> {
    return this.http.delete(
      `/peer-group-associations/${encodeRef(id)}`,
      `Unable to delete peer group association ${id}`,
    )
  }
}

const ASSOCIATION_FIELDS = ['id', 'sync-status']
