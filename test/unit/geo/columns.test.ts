import {describe, expect, it} from '@jest/globals'

import type {PeerGroupAssociation, SubcloudPeerGroup, SystemPeer} from '../../../src/core/api/geo-types.js'
import {
  PEER_DETAIL,
  PEER_LIST,
  PGA_DETAIL,
  PGA_LIST,
  SPG,
  SPG_SHORT,
  associationDetail,
  associationListRow,
  peerDetail,
  peerGroupRow,
  peerGroupShortRow,
  peerListRow,
} from '../../../src/core/geo/columns.js'

/**
 * The upstream client's own unit tests (dcmanagerclient/tests/v1/test_system_peer_manager.py,
 * test_peer_group_association.py, test_subcloud_peer_group_manager.py) as the reference: their sample records, sent
 * as the API sends them, must give the tuples those tests expect from the format functions, in the same order.
 */
const NOW = '2026-12-03T10:00:00.000000'

const peer: SystemPeer = {
  id: 2,
  'peer-uuid': 'test1234-0dfd-46cd-9a93-e3c2b74ef20f',
  'peer-name': 'SystemPeer1',
  'manager-endpoint': 'http://127.0.0.1:5000',
  'manager-username': 'admin',
  'peer-controller-gateway-address': '128.128.128.1',
  'administrative-state': 'enabled',
  'heartbeat-interval': 10,
  'heartbeat-failure-threshold': 3,
  'heartbeat-failure-policy': 'alarm',
  'heartbeat-maintenance-timeout': 600,
  'availability-state': 'available',
  'created-at': NOW,
  'updated-at': NOW,
}

const group: SubcloudPeerGroup = {
  id: 1,
  peer_group_name: 'SubcloudPeerGroup1',
  group_priority: 99,
  group_state: 'disabled',
  max_subcloud_rehoming: 10,
  system_leader_id: 'd9dea83f-f271-470d-9cce-44b0162a800b',
  system_leader_name: 'DC-1',
  migration_status: null,
  'created-at': NOW,
  'updated-at': NOW,
}

const association: PeerGroupAssociation = {
  id: 1,
  'peer-group-id': 2,
  'system-peer-id': 3,
  'peer-group-priority': 99,
  'association-type': 'primary',
  'sync-status': 'synced',
  'sync-message': 'None',
  'created-at': NOW,
  'updated-at': NOW,
}

describe('geo columns against the upstream client tests', () => {
  it('system peer list and show', () => {
    expect(PEER_LIST).toHaveLength(5)
    expect(peerListRow(peer)).toEqual([
      2,
      'test1234-0dfd-46cd-9a93-e3c2b74ef20f',
      'SystemPeer1',
      'http://127.0.0.1:5000',
      '128.128.128.1',
    ])
    expect(PEER_DETAIL).toHaveLength(14)
    expect(peerDetail(peer)).toEqual([
      2,
      'test1234-0dfd-46cd-9a93-e3c2b74ef20f',
      'SystemPeer1',
      'http://127.0.0.1:5000',
      'admin',
      '128.128.128.1',
      'enabled',
      10,
      3,
      'alarm',
      600,
      'available',
      NOW,
      NOW,
    ])
  })

  it("a system peer's peer groups: PG_TUPLE, seven values without the timestamps", () => {
    expect(SPG_SHORT).toEqual(SPG.slice(0, 7))
    expect(peerGroupShortRow(group)).toEqual([
      1,
      'SubcloudPeerGroup1',
      99,
      'disabled',
      'd9dea83f-f271-470d-9cce-44b0162a800b',
      'DC-1',
      10,
    ])
    expect(peerGroupRow(group)).toEqual([...peerGroupShortRow(group), NOW, NOW])
  })

  it('peer group association list and detail (the list says type, the detail association_type)', () => {
    expect(PGA_LIST[3]).toBe('type')
    expect(PGA_DETAIL[3]).toBe('association_type')
    expect(associationListRow(association)).toEqual([1, 2, 3, 'primary', 'synced', 99])
    expect(associationDetail(association)).toEqual([1, 2, 3, 'primary', 'synced', 99, 'None', NOW, NOW])
  })

  it('a list answer has no sync-message: None in the detail, as upstream', () => {
    const {'sync-message': _, ...listed} = association
    expect(associationDetail(listed as PeerGroupAssociation)[6]).toBeNull()
  })
})
