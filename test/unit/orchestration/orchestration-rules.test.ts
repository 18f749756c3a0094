import {describe, expect, test} from '@jest/globals'

import {
  fromApiSubcloud,
  ineligibility,
  kubeRootcaRefusal,
  type OrchestrationSubcloud,
  prestageRefusal,
  selectSubclouds,
} from '../../../src/core/orchestration/eligibility.js'
import {planStages, resolveParallelism, stageOfIndex} from '../../../src/core/orchestration/stages.js'
import {
  actionAllowed,
  actionRefusal,
  allStepStates,
  finalStrategyState,
  majorReleaseOf,
  strategyDeclaration,
  STRATEGY_TYPES,
} from '../../../src/core/orchestration/strategy-types.js'

const ENDPOINTS = ['dc-cert', 'firmware', 'identity', 'kube-rootca', 'kubernetes', 'platform', 'software']

function subcloud(id: number, change: Partial<OrchestrationSubcloud> = {}, sync: Record<string, string> = {}) {
  return {
    id,
    name: `subcloud${id}`,
    managementState: 'managed',
    availabilityStatus: 'online',
    deployStatus: 'complete',
    prestageStatus: null,
    groupId: 1,
    endpointSync: {...Object.fromEntries(ENDPOINTS.map((e) => [e, 'in-sync'])), ...sync},
    ...change,
  }
}

const noGroups = () => undefined

describe('strategy declarations', () => {
  test('each type names its endpoint and walks its upstream state sequence', () => {
    expect(STRATEGY_TYPES.map((type) => [type, strategyDeclaration(type).endpoint])).toEqual([
      ['sw-deploy', 'software'],
      ['prestage', 'software'],
      ['kubernetes', 'kubernetes'],
      ['kube-rootca-update', 'kube-rootca'],
      ['firmware', 'firmware'],
    ])
    const context = {softwareVersion: '24.09', extraArgs: null}
    expect(strategyDeclaration('prestage').path(context)).toEqual([
      'prestage-precheck',
      'prestaging-packages',
      'prestaging-images',
    ])
    expect(strategyDeclaration('firmware').path(context)).toEqual([
      'importing firmware',
      'creating fw update strategy',
      'applying fw update strategy',
      'finishing fw update',
    ])
    expect(strategyDeclaration('kube-rootca-update').path(context)).toEqual([
      'creating vim kube rootca update strategy',
      'applying vim kube rootca update strategy',
    ])
    expect(strategyDeclaration('kubernetes').path(context)[0]).toBe('kube upgrade pre check')
  })

  test('sw-deploy: major adds the license, minor does not, with_prestage prestages first', () => {
    const path = (softwareVersion: string, extraArgs: Record<string, unknown>) =>
      strategyDeclaration('sw-deploy').path({softwareVersion, extraArgs})
    expect(path('24.09', {release_id: 'stx-25.09.1'})).toEqual([
      'sw-deploy pre-check',
      'sw-deploy install license',
      'create VIM sw-deploy strategy',
      'apply VIM sw-deploy strategy',
      'finish sw-deploy strategy',
    ])
    expect(path('25.09', {release_id: 'stx-25.09.1'})).toEqual([
      'sw-deploy pre-check',
      'create VIM sw-deploy strategy',
      'apply VIM sw-deploy strategy',
      'finish sw-deploy strategy',
    ])
    expect(path('25.09', {release_id: 'stx-25.09.1', with_prestage: true}).slice(0, 5)).toEqual([
      'sw-deploy pre-check',
      'prestage-precheck',
      'prestaging-packages',
      'prestaging-images',
      'create VIM sw-deploy strategy',
    ])
    expect(path('25.09', {cleanup: true})).toEqual(['sw-deploy pre-check', 'finish sw-deploy strategy'])
    expect(majorReleaseOf('starlingx-25.09.1')).toBe('25.09')
    expect(allStepStates().has('apply VIM sw-deploy strategy')).toBe(true)
  })

  test('actions follow the allowed-actions table and its texts', () => {
    expect(actionAllowed('apply', 'initial')).toBe(true)
    expect(actionAllowed('apply', 'applying')).toBe(false)
    expect(actionAllowed('abort', 'applying')).toBe(true)
    expect(actionAllowed('abort', 'abort requested')).toBe(false)
    for (const state of ['initial', 'complete', 'failed', 'aborted'] as const)
      expect(actionAllowed('delete', state)).toBe(true)
    for (const state of ['applying', 'abort requested', 'aborting', 'deleting'] as const)
      expect(actionAllowed('delete', state)).toBe(false)
    expect(actionRefusal('delete', 'applying')).toBe('Strategy in state applying cannot be deleted')
    expect(finalStrategyState({failed: 1, aborted: 3})).toBe('failed')
    expect(finalStrategyState({failed: 0, aborted: 3})).toBe('aborted')
    expect(finalStrategyState({failed: 0, aborted: 0})).toBe('complete')
  })
})

describe('eligibility', () => {
  test('managed, online and out-of-sync on the type endpoint; prestage takes any status', () => {
    const outOfSync = subcloud(1, {}, {software: 'out-of-sync', firmware: 'out-of-sync'})
    expect(ineligibility('sw-deploy', outOfSync, {force: false})).toBeUndefined()
    expect(ineligibility('firmware', outOfSync, {force: false})).toBeUndefined()
    expect(ineligibility('kubernetes', outOfSync, {force: false})).toBe('kubernetes in-sync')
    expect(ineligibility('sw-deploy', subcloud(2, {managementState: 'unmanaged'}), {force: false})).toBe('unmanaged')
    expect(ineligibility('sw-deploy', subcloud(3, {availabilityStatus: 'offline'}), {force: false})).toBe('offline')
    expect(ineligibility('prestage', subcloud(4), {force: false})).toBeUndefined()
    expect(ineligibility('kube-rootca-update', subcloud(5), {force: false})).toBe('kube-rootca in-sync')
    expect(ineligibility('kube-rootca-update', subcloud(5), {force: true})).toBeUndefined()
  })

  test('the prestage initial check, first failing reason wins', () => {
    expect(prestageRefusal(subcloud(1, {availabilityStatus: 'offline', managementState: 'unmanaged'}))).toBe(
      'Subcloud is offline.',
    )
    expect(prestageRefusal(subcloud(1, {managementState: 'unmanaged'}))).toBe('Subcloud is not managed.')
    // upstream's transient check (utils.is_subcloud_in_transient_state): prestage, then backup, then deploy
    const wait = 'Please wait until it finishes before running this operation.'
    expect(prestageRefusal(subcloud(1, {prestageStatus: 'prestaging', deployStatus: 'bootstrapping'}))).toBe(
      `Subcloud subcloud1 current prestage_status is 'prestaging'. ${wait}`,
    )
    expect(prestageRefusal(subcloud(1, {backupStatus: 'backing-up', deployStatus: 'bootstrapping'}))).toBe(
      `Subcloud subcloud1 current backup_status is 'backing-up'. ${wait}`,
    )
    expect(prestageRefusal(subcloud(1, {deployStatus: 'bootstrapping'}))).toBe(
      `Subcloud subcloud1 current deploy_status is 'bootstrapping'. ${wait}`,
    )
    // then a deploy state at rest that is not complete
    expect(prestageRefusal(subcloud(1, {deployStatus: 'bootstrap-failed'}))).toBe(
      'Prestage operation is not allowed when subcloud deploy is in progress.',
    )
    expect(prestageRefusal(subcloud(1, {prestageStatus: 'prestaging-packages'}))).toBe(
      'Prestage operation is only allowed while subcloud prestage status is one of: failed, complete. The current prestage status is prestaging-packages.',
    )
    expect(prestageRefusal(subcloud(1, {prestageStatus: 'failed'}))).toBeUndefined()
  })

  test('create checks in order: unknown name, named in-sync, unknown sync, no steps', () => {
    const fleet = [
      subcloud(3, {}, {software: 'out-of-sync'}),
      subcloud(1, {}, {software: 'out-of-sync'}),
      subcloud(2),
      subcloud(4, {availabilityStatus: 'offline'}, {software: 'unknown'}),
    ]
    expect(selectSubclouds('sw-deploy', fleet, {cloudName: 'nope'}, {force: false})).toEqual({
      ok: false,
      message: 'Subcloud nope does not exist',
    })
    expect(selectSubclouds('sw-deploy', fleet, {cloudName: 'subcloud2'}, {force: false})).toEqual({
      ok: false,
      message: 'Subcloud subcloud2 does not require software update',
    })
    const all = selectSubclouds('sw-deploy', fleet, {}, {force: false})
    // The offline subcloud's unknown status does not block; steps come in ascending subcloud id.
    expect(all.ok && all.subclouds.map((s) => s.id)).toEqual([1, 3])
    const blocked = [...fleet, subcloud(5, {}, {software: 'unknown'})]
    expect(selectSubclouds('sw-deploy', blocked, {}, {force: false})).toEqual({
      ok: false,
      message: 'software sync status is unknown for one or more subclouds',
    })
    // prestage never checks unknown statuses.
    expect(selectSubclouds('prestage', blocked, {}, {force: false}).ok).toBe(true)
    expect(selectSubclouds('firmware', fleet, {}, {force: false})).toEqual({
      ok: false,
      message: 'Strategy has no steps to apply',
    })
    expect(selectSubclouds('prestage', fleet, {cloudName: 'subcloud4'}, {force: false})).toEqual({
      ok: false,
      message: "Prestage skipped 'subcloud4': Subcloud is offline.",
    })
    const grouped = [subcloud(1, {groupId: 2}, {software: 'out-of-sync'}), subcloud(3, {}, {software: 'out-of-sync'})]
    const group = selectSubclouds('sw-deploy', grouped, {groupId: 2}, {force: false})
    expect(group.ok && group.subclouds.map((s) => s.name)).toEqual(['subcloud1'])
  })

  test('an API subcloud maps to the same view', () => {
    const view = fromApiSubcloud({
      id: 7,
      name: 'sc7',
      'management-state': 'managed',
      'availability-status': 'online',
      'deploy-status': 'complete',
      'prestage-status': null,
      group_id: 1,
      endpoint_sync_status: [{endpoint_type: 'software', sync_status: 'out-of-sync'}],
    })
    expect(ineligibility('sw-deploy', view, {force: false})).toBeUndefined()
    expect(ineligibility('firmware', view, {force: false})).toBe('firmware unknown')
  })

  test("kube-rootca's expiry date and subject checks", () => {
    const now = new Date(2030, 0, 1, 12)
    expect(kubeRootcaRefusal({'expiry-date': '2030-13-01'}, now)).toBe(
      "expiry_date 2030-13-01 doesn't match format YYYY-MM-DD",
    )
    expect(kubeRootcaRefusal({'expiry-date': '2030-01-02'}, now)).toBe(
      'New k8s rootCA should have at least 24 hours of validation before expiry.',
    )
    expect(kubeRootcaRefusal({'expiry-date': '2030-01-03'}, now)).toBeUndefined()
    expect(kubeRootcaRefusal({subject: 'C=CA CN=x'})).toBeUndefined()
    expect(kubeRootcaRefusal({subject: 'C=CA X=y'})).toMatch(/^There are parameters not supported/)
    expect(kubeRootcaRefusal({subject: 'C=CA O=y'})).toBe(
      'The CN=<commonName> parameter is required to be specified in subject argument',
    )
  })
})

describe('apply type, max parallel and stages', () => {
  test('defaults: null apply type and 2; serial forces 1; a falsy max-parallel is unset', () => {
    expect(resolveParallelism({type: 'firmware'}, noGroups)).toEqual({ok: true, applyType: null, maxParallel: 2})
    expect(
      resolveParallelism({type: 'firmware', 'subcloud-apply-type': 'serial', 'max-parallel-subclouds': 9}, noGroups),
    ).toEqual({
      ok: true,
      applyType: 'serial',
      maxParallel: 1,
    })
    expect(resolveParallelism({type: 'firmware', 'max-parallel-subclouds': 0}, noGroups)).toEqual({
      ok: true,
      applyType: null,
      maxParallel: 2,
    })
    expect(resolveParallelism({type: 'firmware', 'max-parallel-subclouds': '7'}, noGroups)).toEqual({
      ok: true,
      applyType: null,
      maxParallel: 7,
    })
  })

  test('the refusals in validate_strategy_payload order', () => {
    const message = (request: Record<string, unknown>) => {
      const result = resolveParallelism({type: 'sw-deploy', ...request}, (ref) =>
        ref === 'g1' || ref === '2' ? {id: 2, updateApplyType: 'parallel', maxParallelSubclouds: 500} : undefined,
      )
      return result.ok ? result : result.message
    }
    expect(message({force: 'yes'})).toBe("Invalid value 'yes' for force - must be True/False or 'true'/'false'")
    expect(message({'subcloud-apply-type': 'both'})).toBe('subcloud-apply-type invalid')
    expect(message({subcloud_group: 'g1', cloud_name: 'sc'})).toBe(
      'cloud_name and subcloud_group are mutually exclusive',
    )
    expect(message({subcloud_group: 'g1', 'max-parallel-subclouds': 3})).toBe(
      'subcloud-apply-type and max-parallel-subclouds are not allowed when subcloud_group is provided',
    )
    expect(message({subcloud_group: 'nope'})).toBe('Invalid group_id')
    expect(message({subcloud_group: '2'})).toEqual({ok: true, applyType: 'parallel', maxParallel: 500, groupId: 2})
    expect(message({subcloud_group: 'g1', with_prestage: true})).toBe(
      'Invalid max-parallel-subclouds value: 500. For prestage, the value must be between 1 and 250.',
    )
    expect(message({'max-parallel-subclouds': 'x'})).toBe('max-parallel-subclouds invalid value. Value: x')
    expect(message({'max-parallel-subclouds': 5001})).toBe(
      'Invalid max-parallel-subclouds value: 5001. For sw-deploy strategy, the value must be between 1 and 5000.',
    )
    expect(resolveParallelism({type: undefined, 'max-parallel-subclouds': -1}, noGroups)).toEqual({
      ok: false,
      message: 'Invalid max-parallel-subclouds value: -1. For None strategy, the value must be between 1 and 5000.',
    })
  })

  test('stages of max-parallel subclouds in step order (serial = one each), 5,000 in one pass', () => {
    const ids = Array.from({length: 5}, (_, index) => index + 1)
    expect(planStages(ids, 2).map((stage) => stage.members)).toEqual([[1, 2], [3, 4], [5]])
    expect(planStages(ids, 1)).toHaveLength(5)
    expect(planStages(ids, 5000).map((stage) => stage.members)).toEqual([ids])
    const many = Array.from({length: 5000}, (_, index) => index)
    expect(planStages(many, 2)).toHaveLength(2500)
    expect(stageOfIndex(4999, 2)).toBe(2500)
    expect(stageOfIndex(9, 10)).toBe(1)
    expect(stageOfIndex(10, 10)).toBe(2)
  })
})
