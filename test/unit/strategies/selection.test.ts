import {describe, expect, it} from '@jest/globals'

import type {Subcloud} from '../../../src/core/api/dcmanager-types.js'
import {kubeRootcaUpdate} from '../../../src/core/api/strategies/kube-rootca-update.js'
import {prestage} from '../../../src/core/api/strategies/prestage.js'
import {swDeploy} from '../../../src/core/api/strategies/sw-deploy.js'
import {planFromSubclouds} from '../../../src/core/strategies/selection.js'

function subcloud(id: number, software: string, over: Partial<Subcloud> = {}): Subcloud {
  return {
    id,
    name: `subcloud${id}`,
    'management-state': 'managed',
    'availability-status': 'online',
    'deploy-status': 'complete',
    'prestage-status': null,
    group_id: 1,
    endpoint_sync_status: [
      {endpoint_type: 'software', sync_status: software},
      {endpoint_type: 'kube-rootca', sync_status: 'in-sync'},
    ],
    ...over,
  } as Subcloud
}

describe('create --dry-run selection (orchestration.md §3.2-§3.4)', () => {
  const fleet = [
    subcloud(3, 'out-of-sync'),
    subcloud(1, 'out-of-sync'),
    subcloud(2, 'in-sync'),
    subcloud(4, 'out-of-sync', {'management-state': 'unmanaged'}),
    subcloud(5, 'unknown', {'availability-status': 'offline'}),
    subcloud(6, 'out-of-sync'),
  ]

  it('takes managed, online, out-of-sync subclouds by ascending id, in windows of max-parallel', () => {
    const plan = planFromSubclouds(swDeploy, {'max-parallel-subclouds': 2, type: 'sw-deploy'}, fleet)
    expect(plan.refusal).toBeUndefined()
    expect(plan.steps).toEqual([
      {cloud: 'subcloud1', stage: 1},
      {cloud: 'subcloud3', stage: 1},
      {cloud: 'subcloud6', stage: 2},
    ])
    expect(plan.skipped).toEqual([
      {cloud: 'subcloud2', reason: 'software in-sync'},
      {cloud: 'subcloud4', reason: 'unmanaged'},
      {cloud: 'subcloud5', reason: 'offline'},
    ])
    expect(plan.subcloudApplyType).toBeNull()
    expect(plan.maxParallelSubclouds).toBe(2)
  })

  it('resolves serial to 1, the default to 2, and a group to its own values', () => {
    expect(
      planFromSubclouds(swDeploy, {'subcloud-apply-type': 'serial', 'max-parallel-subclouds': 9}, fleet)
        .maxParallelSubclouds,
    ).toBe(1)
    expect(planFromSubclouds(swDeploy, {}, fleet).maxParallelSubclouds).toBe(2)
    const group = {id: 2, name: 'g', description: '', update_apply_type: 'parallel', max_parallel_subclouds: 7}
    const inGroup = fleet.map((s) => ({...s, group_id: s.id === 6 ? 2 : 1}))
    const plan = planFromSubclouds(swDeploy, {subcloud_group: 'g'}, inGroup, {groups: [group as never]})
    expect([plan.subcloudApplyType, plan.maxParallelSubclouds, plan.steps]).toEqual([
      'parallel',
      7,
      [{cloud: 'subcloud6', stage: 1}],
    ])
    expect(planFromSubclouds(swDeploy, {subcloud_group: 'nope'}, inGroup, {groups: [group as never]}).refusal).toBe(
      'Invalid group_id',
    )
  })

  it("refuses with the orchestrator's texts", () => {
    const wrap = (msg: string) => `Unable to create strategy of type 'sw-deploy': Bad strategy request: ${msg}`
    expect(planFromSubclouds(swDeploy, {}, fleet, {existingType: 'prestage'}).refusal).toBe(
      wrap("Strategy of type: 'prestage' already exists"),
    )
    expect(planFromSubclouds(swDeploy, {cloud_name: 'nope'}, fleet).refusal).toBe(wrap('Subcloud nope does not exist'))
    expect(planFromSubclouds(swDeploy, {cloud_name: 'subcloud2'}, fleet).refusal).toBe(
      wrap('Subcloud subcloud2 does not require software update'),
    )
    expect(planFromSubclouds(swDeploy, {}, [...fleet, subcloud(7, 'unknown')]).refusal).toBe(
      wrap('software sync status is unknown for one or more subclouds'),
    )
    expect(planFromSubclouds(swDeploy, {}, [subcloud(2, 'in-sync')]).refusal).toBe(
      wrap('Strategy has no steps to apply'),
    )
  })

  it('lets kube-rootca-update --force take in-sync subclouds, and prestage any status', () => {
    const forced = planFromSubclouds(kubeRootcaUpdate, {cloud_name: 'subcloud2', force: 'true'}, fleet)
    expect(forced.steps).toEqual([{cloud: 'subcloud2', stage: 1}])
    const prestaged = planFromSubclouds(prestage, {}, [
      subcloud(1, 'in-sync'),
      subcloud(2, 'unknown', {'deploy-status': 'bootstrapping'}),
    ])
    expect(prestaged.steps).toEqual([{cloud: 'subcloud1', stage: 1}])
    expect(prestaged.skipped).toEqual([
      {
        cloud: 'subcloud2',
        // upstream's transient check comes before the deploy-status one (prestage.initial_subcloud_validate)
        reason:
          "Subcloud subcloud2 current deploy_status is 'bootstrapping'. Please wait until it finishes before running this operation.",
      },
    ])
  })
})
