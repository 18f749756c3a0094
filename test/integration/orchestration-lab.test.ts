import {afterAll, afterEach, beforeAll, describe, expect, test} from '@jest/globals'

import {writeInstance} from '../../src/lab/lab-files.js'
import {seedFleet} from '../../src/lab/scenarios/fleet.js'
import {runDcm} from '../helpers/cli.js'
import {startTestLab, type TestLab, waitFor} from '../helpers/lab.js'
import {
  act,
  call,
  create,
  deleteStrategy,
  OPTIONS,
  record,
  resetLab,
  seed,
  show,
  steps,
  STRATEGY,
  waitForStrategy,
} from '../helpers/orchestration.js'

/**
 * The lab's orchestrator over HTTP (orchestration.md §3-§8): create rules and messages per type, the window
 * (serial, max-parallel 2 and 5000), every state of a type in order, stop-on-failure on and off, abort,
 * delete, one strategy at a time, subcloud effects, strategy options. One lab, fast timings (zero-length
 * states: each state lasts one 5 ms worker loop); each test starts from an empty fleet.
 */
let lab: TestLab

beforeAll(async () => {
  lab = await startTestLab({
    releases: ['24.09', '25.09'],
    orchestrator: {workerTickMs: 5, managerTickMs: 5, stateMs: 0, idleMs: 5, stateDurationsMs: {}},
  })
  // Found by `dcm lab subcloud set` through its data dir, as `dcm lab start` leaves it.
  await writeInstance(lab.dataDir, {
    pid: process.pid,
    port: lab.port,
    url: lab.url,
    authUrl: lab.authUrl,
    dcmanagerUrl: lab.dcmanagerUrl,
    deployer: lab.deployerKind,
    startedAt: new Date().toISOString(),
  })
})
afterAll(async () => {
  await lab.stop()
})
afterEach(async () => {
  await resetLab(lab)
  lab.orchestrator.engine.timing.stateMs = 0
})

const SW_DEPLOY = {type: 'sw-deploy', release_id: 'stx-25.09.1', snapshot: false, rollback: false, delete: false}

describe('create', () => {
  test('fresh strategy and steps: defaults, T-form on create, space-form on show, steps by subcloud id', async () => {
    await seed(lab, 3)
    const created = await create(lab, SW_DEPLOY)
    expect(created.status).toBe(200)
    expect(created.body).toMatchObject({
      type: 'sw-deploy',
      'subcloud-apply-type': null,
      'max-parallel-subclouds': 2,
      'stop-on-failure': false,
      state: 'initial',
      'updated-at': null,
    })
    expect(created.body['created-at']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}$/)
    expect(Object.keys(created.body['extra-args'])).toEqual([
      'cleanup',
      'kube_upgrade',
      'release_id',
      'rollback',
      'snapshot',
      'sysadmin_password',
      'with_prestage',
      'delete',
    ])
    const shown = await show(lab, 'sw-deploy')
    expect(shown.body['created-at']).toBe(created.body['created-at'].replace('T', ' ').replace(/\.000000$/, ''))
    const list = await steps(lab)
    expect(list.map((step) => [step.cloud, step.stage, step.state, step.details, step['started-at']])).toEqual([
      ['subcloud1', 'Create', 'initial', '', null],
      ['subcloud2', 'Create', 'initial', '', null],
      ['subcloud3', 'Create', 'initial', '', null],
    ])
    expect((await call(lab, 'GET', `${STRATEGY}/steps/subcloud2`)).body.cloud).toBe('subcloud2')
    // By name only: an id or SystemController does not match.
    expect((await call(lab, 'GET', `${STRATEGY}/steps/2`)).body.description).toBe('Strategy step not found')
    expect((await call(lab, 'GET', `${STRATEGY}/steps/SystemController`)).status).toBe(404)
    expect((await show(lab, 'firmware')).body.description).toBe("Strategy of type 'firmware' not found")
  })

  test('one strategy of any type at a time', async () => {
    await seed(lab, 1, {software: 'out-of-sync', firmware: 'out-of-sync'})
    expect((await create(lab, SW_DEPLOY)).status).toBe(200)
    const second = await create(lab, {type: 'firmware'})
    expect(second).toEqual({
      status: 422,
      body: {
        code: 422,
        title: 'Unprocessable Entity',
        description:
          "Unable to create strategy of type 'firmware': Bad strategy request: Strategy of type: 'sw-deploy' already exists",
      },
    })
  })

  test('API validation in upstream order (400s)', async () => {
    await seed(lab, 1)
    const refusal = async (body: Record<string, unknown>) => {
      const answer = await create(lab, body)
      expect(answer.status).toBe(400)
      return answer.body.description as string
    }
    expect(await refusal({'max-parallel-subclouds': 0, force: 'true'})).toBe('type required')
    expect(await refusal({'max-parallel-subclouds': 6000})).toBe(
      'Invalid max-parallel-subclouds value: 6000. For None strategy, the value must be between 1 and 5000.',
    )
    expect(await refusal({type: 'patch'})).toBe('type invalid')
    expect(await refusal({type: 'firmware', 'stop-on-failure': true})).toBe('stop-on-failure invalid')
    expect(await refusal({type: 'firmware', subcloud_group: 'nope'})).toBe('Invalid group_id')
    expect(await refusal({type: 'sw-deploy'})).toBe('Release ID is required for strategy type: sw-deploy.')
    expect(await refusal({type: 'sw-deploy', release_id: 'stx-26.03.0'})).toBe(
      'Release ID: stx-26.03.0 not found or not deployed in the SystemController',
    )
    expect(await refusal({type: 'sw-deploy', rollback: true, cleanup: true})).toBe(
      'Option rollback cannot be used with any of the following options: release_id, cleanup, kube_upgrade or with_prestage.',
    )
    expect(await refusal({type: 'prestage', release: '25.09.1', sysadmin_password: 'cHc='})).toBe(
      'Specified release format is not supported. Version format must be MM.mm.',
    )
    expect(await refusal({type: 'prestage'})).toBe('subcloud sysadmin_password required')
    expect((await create(lab, {})).body.description).toBe('Body required')
    expect(lab.orchestrator.tables.strategy).toBeNull()
  })

  test("each type's eligibility and the orchestrator's refusals (422)", async () => {
    await seed(lab, 2, {software: 'out-of-sync', kubernetes: 'out-of-sync'})
    await seed(lab, 1, {}, 'insync')
    const offline = (await seed(lab, 1, {software: 'out-of-sync'}, 'offline'))[0]
    lab.store.updateSubcloud(lab.store.subcloudByName(offline)!.id, {deployStatus: 'install-failed'})
    lab.audit()
    const message = async (body: Record<string, unknown>) => (await create(lab, body)).body.description as string
    const prefix = (type: string) => `Unable to create strategy of type '${type}': Bad strategy request: `
    expect(await message({type: 'firmware'})).toBe(`${prefix('firmware')}Strategy has no steps to apply`)
    expect(await message({type: 'kubernetes', cloud_name: 'insync1'})).toBe(
      `${prefix('kubernetes')}Subcloud insync1 does not require kubernetes update`,
    )
    expect(await message({type: 'kubernetes', cloud_name: 'nope'})).toBe(
      `${prefix('kubernetes')}Subcloud nope does not exist`,
    )
    expect(await message({type: 'prestage', cloud_name: offline, sysadmin_password: 'cHc='})).toBe(
      `${prefix('prestage')}Prestage skipped '${offline}': Subcloud is offline.`,
    )
    expect(lab.orchestrator.tables.strategy).toBeNull()

    const stepsOf = async (body: Record<string, unknown>) => {
      const answer = await create(lab, body)
      expect(answer.status).toBe(200)
      const clouds = (await steps(lab)).map((step) => step.cloud)
      await deleteStrategy(lab)
      return clouds
    }
    expect(await stepsOf(SW_DEPLOY)).toEqual(['subcloud1', 'subcloud2'])
    expect(await stepsOf({type: 'kubernetes', 'to-version': '1.29.2'})).toEqual(['subcloud1', 'subcloud2'])
    expect(await stepsOf({type: 'kube-rootca-update', force: 'true'})).toEqual(['subcloud1', 'subcloud2', 'insync1'])
    expect(await stepsOf({type: 'prestage', sysadmin_password: 'cHc='})).toEqual(['subcloud1', 'subcloud2', 'insync1'])

    // An unknown status on a managed, online subcloud blocks every type but prestage.
    lab.store.updateSubcloud(lab.store.subcloudByName('insync1')!.id, {syncOverrides: {firmware: 'unknown'}})
    lab.audit()
    expect(await message({type: 'firmware'})).toBe(
      `${prefix('firmware')}firmware sync status is unknown for one or more subclouds`,
    )
  })

  test('apply type and max parallel: serial forces 1, a group lends its values', async () => {
    await seed(lab, 2)
    const resolved = async (body: Record<string, unknown>) => {
      const answer = await create(lab, {...SW_DEPLOY, ...body})
      await deleteStrategy(lab)
      return [answer.body['subcloud-apply-type'], answer.body['max-parallel-subclouds']]
    }
    expect(await resolved({'subcloud-apply-type': 'serial', 'max-parallel-subclouds': 7})).toEqual(['serial', 1])
    expect(await resolved({'max-parallel-subclouds': 7})).toEqual([null, 7])
    expect(await resolved({subcloud_group: 'Default'})).toEqual(['parallel', 2])
    // A group scopes the steps to its subclouds and lends its apply type (serial forces 1).
    const group = lab.store.insertGroup({
      name: 'edge',
      description: 'edge sites',
      updateApplyType: 'serial',
      maxParallelSubclouds: 5,
    })
    await seedFleet(lab.store, {count: 2, prefix: 'edge', sync: {software: 'out-of-sync'}, groupId: group.id})
    lab.audit()
    const grouped = await create(lab, {...SW_DEPLOY, subcloud_group: String(group.id)})
    expect([grouped.body['subcloud-apply-type'], grouped.body['max-parallel-subclouds']]).toEqual(['serial', 1])
    expect((await steps(lab)).map((step) => step.cloud)).toEqual(['edge1', 'edge2'])
    await deleteStrategy(lab)
    lab.store.deleteGroup(group.id)
  })
})

describe('apply', () => {
  test('serial: one subcloud at a time, lower ids first, every sw-deploy state in order, effects', async () => {
    await seed(lab, 3)
    const recording = record(lab)
    await create(lab, {...SW_DEPLOY, 'subcloud-apply-type': 'serial'})
    const applied = await act(lab, 'apply', 'sw-deploy')
    expect(applied.body.state).toBe('applying')
    expect(applied.body['updated-at']).toMatch(/T/)
    expect(await waitForStrategy(lab, ['complete', 'failed', 'aborted'])).toBe('complete')
    recording.stop()
    expect(recording.maxInProgress).toBe(1)
    expect(recording.startOrder).toEqual(['subcloud1', 'subcloud2', 'subcloud3'])
    expect(recording.paths.get('subcloud2')).toEqual([
      'initial',
      'sw-deploy pre-check',
      'sw-deploy install license',
      'create VIM sw-deploy strategy',
      'apply VIM sw-deploy strategy',
      'finish sw-deploy strategy',
      'complete',
    ])
    const done = await steps(lab)
    expect(done.every((step) => step.stage === 'Complete' && step.details === '' && step['finished-at'])).toBe(true)
    const subcloud = lab.store.subcloudByName('subcloud1')!
    expect(subcloud.softwareVersion).toBe('25.09')
    expect(subcloud.endpointSyncStatus.software).toBe('in-sync')
    lab.audit()
    expect(lab.store.subcloudByName('subcloud1')!.endpointSyncStatus.software).toBe('in-sync')
  })

  test.each([
    [2, 2],
    [5000, 6],
  ])('max-parallel %i: at most that many in progress, a freed slot refilled', async (maxParallel, expected) => {
    await seed(lab, 6)
    lab.orchestrator.engine.timing.stateMs = 10
    const recording = record(lab)
    await create(lab, {...SW_DEPLOY, 'max-parallel-subclouds': maxParallel})
    await act(lab, 'apply')
    expect(await waitForStrategy(lab, ['complete', 'failed'])).toBe('complete')
    recording.stop()
    expect(recording.maxInProgress).toBe(expected)
    expect(recording.startOrder).toEqual(['subcloud1', 'subcloud2', 'subcloud3', 'subcloud4', 'subcloud5', 'subcloud6'])
  })

  test('each other type walks its states; prestage writes prestage-status and versions', async () => {
    const run = async (body: Record<string, unknown>) => {
      expect((await create(lab, body)).status).toBe(200)
      const recording = record(lab)
      await act(lab, 'apply')
      expect(await waitForStrategy(lab, ['complete', 'failed'])).toBe('complete')
      recording.stop()
      const path = recording.paths.get('subcloud1')
      await deleteStrategy(lab)
      return path
    }
    await seed(lab, 1, {kubernetes: 'out-of-sync', 'kube-rootca': 'out-of-sync', firmware: 'out-of-sync'})
    expect(await run({type: 'firmware'})).toEqual([
      'initial',
      'importing firmware',
      'creating fw update strategy',
      'applying fw update strategy',
      'finishing fw update',
      'complete',
    ])
    expect(lab.store.subcloudByName('subcloud1')!.endpointSyncStatus.firmware).toBe('in-sync')
    expect(await run({type: 'kubernetes'})).toEqual([
      'initial',
      'kube upgrade pre check',
      'kube creating vim kube upgrade strategy',
      'kube applying vim kube upgrade strategy',
      'complete',
    ])
    expect(await run({type: 'kube-rootca-update'})).toEqual([
      'initial',
      'creating vim kube rootca update strategy',
      'applying vim kube rootca update strategy',
      'complete',
    ])
    expect(await run({type: 'prestage', sysadmin_password: 'cHc=', for_sw_deploy: 'true', release: '25.09'})).toEqual([
      'initial',
      'prestage-precheck',
      'prestaging-packages',
      'prestaging-images',
      'complete',
    ])
    const subcloud = lab.store.subcloudByName('subcloud1')!
    expect([subcloud.prestageStatus, subcloud.prestageVersions]).toEqual([
      'complete',
      'for-install: None - for-sw-deploy: 25.09',
    ])
  })

  test('stop-on-failure off: the failure is recorded, the others still run, the strategy ends failed', async () => {
    await seed(lab, 4)
    const set = await call(lab, 'POST', '/lab/subclouds/subcloud2', {fail_strategy_at: 'apply VIM sw-deploy strategy'})
    expect(set.body.subcloud.fail_strategy_at).toBe('apply VIM sw-deploy strategy')
    await create(lab, {...SW_DEPLOY, 'max-parallel-subclouds': 2})
    await act(lab, 'apply')
    expect(await waitForStrategy(lab, ['complete', 'failed'])).toBe('failed')
    const list = await steps(lab)
    expect(list.map((step) => step.state)).toEqual(['complete', 'failed', 'complete', 'complete'])
    expect(list[1].details).toBe(
      'apply VIM sw-deploy strategy: Failed for subcloud subcloud2: VIM strategy apply failed: failure injected by dcm lab subcloud set --fail-strategy-at State: apply-failed Strategy: sw-upgrade',
    )
    const failed = lab.store.subcloudByName('subcloud2')!
    expect(failed.deployStatus).toBe('sw-deploy-apply-strategy-failed')
    expect(failed.errorDescription).toMatch(/^Failed for subcloud subcloud2: VIM strategy apply failed/)
    expect(failed.endpointSyncStatus.software).toBe('out-of-sync')
    // Still reachable: the audit keeps a subcloud whose software deploy failed online.
    expect(failed.availabilityStatus).toBe('online')
  })

  test('stop-on-failure on: the strategy fails at once, steps not started stay initial', async () => {
    await seed(lab, 4)
    await call(lab, 'POST', '/lab/subclouds/subcloud1', {
      fail_strategy_at: 'sw-deploy pre-check',
      fail_reason: 'Release stx-25.09.1 is not prestaged.',
    })
    const created = await create(lab, {...SW_DEPLOY, 'subcloud-apply-type': 'serial', 'stop-on-failure': 'true'})
    expect(created.body['stop-on-failure']).toBe(true)
    await act(lab, 'apply')
    expect(await waitForStrategy(lab, ['complete', 'failed'])).toBe('failed')
    await waitFor(
      () => steps(lab),
      (list) => list[0].stage === 'Complete',
    )
    const list = await steps(lab)
    expect(list.map((step) => [step.stage, step.state])).toEqual([
      ['Complete', 'failed'],
      ['Create', 'initial'],
      ['Create', 'initial'],
      ['Create', 'initial'],
    ])
    expect(list[0].details).toBe(
      'sw-deploy pre-check: Failed for subcloud subcloud1: Release stx-25.09.1 is not prestaged.',
    )
    expect(lab.store.subcloudByName('subcloud1')!.deployStatus).toBe('complete')
  })

  test('stop-on-failure on: a step still running stops at its next polling state', async () => {
    await seed(lab, 4)
    await call(lab, 'POST', '/lab/subclouds/subcloud1', {fail_strategy_at: 'sw-deploy pre-check'})
    await create(lab, {...SW_DEPLOY, 'max-parallel-subclouds': 2, 'stop-on-failure': 'true'})
    await act(lab, 'apply')
    expect(await waitForStrategy(lab, ['complete', 'failed'])).toBe('failed')
    const list = await waitFor(
      () => steps(lab),
      (items) => items[1].stage === 'Complete',
    )
    expect(list.map((step) => step.state)).toEqual(['failed', 'failed', 'initial', 'initial'])
    expect(list[1].details).toBe('create VIM sw-deploy strategy: Strategy has been stopped')
  })

  test('sw-deploy with prestage prestages first; a prestage of a subcloud gone offline is skipped', async () => {
    await seed(lab, 1)
    const withPrestage = {...SW_DEPLOY, with_prestage: true, sysadmin_password: 'cHc='}
    const created = await create(lab, withPrestage)
    const recording = record(lab)
    expect(created.body['extra-args']).toMatchObject({
      for_sw_deploy: true,
      force: false,
      'prestage-software-version': '25.09',
    })
    await act(lab, 'apply')
    expect(await waitForStrategy(lab, ['complete', 'failed'])).toBe('complete')
    recording.stop()
    expect(recording.paths.get('subcloud1')!.slice(1, 6)).toEqual([
      'sw-deploy pre-check',
      'prestage-precheck',
      'prestaging-packages',
      'prestaging-images',
      'sw-deploy install license',
    ])
    expect(lab.store.subcloudByName('subcloud1')!.prestageVersions).toBe('for-install: None - for-sw-deploy: 25.09')
    await deleteStrategy(lab)

    lab.orchestrator.engine.timing.stateMs = 500
    expect((await create(lab, {type: 'prestage', sysadmin_password: 'cHc='})).status).toBe(200)
    await act(lab, 'apply')
    await waitFor(
      () => steps(lab),
      (list) => list[0].state === 'prestage-precheck',
    )
    // The subcloud loses its route back to the System Controller: offline at the end of the pre-check.
    await lab.store.setRoutes('subcloud1', [])
    lab.audit()
    expect(await waitForStrategy(lab, ['complete', 'failed'])).toBe('complete')
    expect((await steps(lab))[0].details).toBe("Prestage skipped 'subcloud1': Subcloud is offline.")
    expect(lab.store.subcloudByName('subcloud1')!.prestageStatus).toBeNull()
  })

  test('a subcloud unmanaged before its turn fails its step without starting it', async () => {
    await seed(lab, 2)
    await create(lab, {...SW_DEPLOY, 'subcloud-apply-type': 'serial'})
    lab.store.updateSubcloud(lab.store.subcloudByName('subcloud2')!.id, {managementState: 'unmanaged'})
    await act(lab, 'apply')
    expect(await waitForStrategy(lab, ['complete', 'failed'])).toBe('failed')
    const step = (await steps(lab))[1]
    expect([step.state, step.details, step['started-at'], step['finished-at'] !== null]).toEqual([
      'failed',
      'Subcloud subcloud2 is unmanaged.',
      null,
      true,
    ])
  })
})

describe('abort and delete', () => {
  test('abort mid-apply: abort requested, running steps finish, the rest aborted, strategy aborted', async () => {
    await seed(lab, 5)
    lab.orchestrator.engine.timing.stateMs = 400
    await create(lab, {...SW_DEPLOY, 'max-parallel-subclouds': 2})
    await act(lab, 'apply')
    await waitFor(
      () => steps(lab),
      (list) => list[0].state === 'sw-deploy install license',
    )
    expect((await call(lab, 'DELETE', STRATEGY)).body.description).toBe(
      "Unable to delete strategy of type 'None': Bad strategy request: Strategy in state applying cannot be deleted",
    )
    const aborted = await act(lab, 'abort', 'sw-deploy')
    expect(aborted.body.state).toBe('abort requested')
    expect((await act(lab, 'abort', 'sw-deploy')).body.description).toMatch(
      /^Unable to abort strategy of type 'sw-deploy': Bad strategy request: Strategy in state (abort requested|aborting) cannot be aborted$/,
    )
    const outside = (await steps(lab)).slice(2)
    expect(outside.map((step) => [step.stage, step.state, step['finished-at']])).toEqual([
      ['Create', 'aborted', null],
      ['Create', 'aborted', null],
      ['Create', 'aborted', null],
    ])
    await waitForStrategy(lab, ['aborting', 'aborted'])
    expect(await waitForStrategy(lab, ['aborted', 'failed', 'complete'])).toBe('aborted')
    expect((await steps(lab)).slice(0, 2).map((step) => step.state)).toEqual(['complete', 'complete'])
  })

  test('abort when every step has started: nothing to skip, the strategy ends complete', async () => {
    await seed(lab, 2)
    lab.orchestrator.engine.timing.stateMs = 300
    await create(lab, {...SW_DEPLOY, 'max-parallel-subclouds': 2})
    await act(lab, 'apply')
    await waitFor(
      () => steps(lab),
      (list) => list.every((step) => step.stage === 'Apply'),
    )
    expect((await act(lab, 'abort')).body.state).toBe('abort requested')
    expect(await waitForStrategy(lab, ['aborted', 'failed', 'complete'])).toBe('complete')
  })

  test('delete: deleting, then gone; actions on no strategy say it does not exist', async () => {
    await seed(lab, 2)
    await create(lab, SW_DEPLOY)
    await act(lab, 'apply')
    await waitForStrategy(lab, ['complete'])
    expect((await act(lab, 'apply')).body.description).toBe(
      "Unable to apply strategy of type 'None': Bad strategy request: Strategy in state complete cannot be applied",
    )
    const deleted = await call(lab, 'DELETE', `${STRATEGY}?type=sw-deploy`)
    expect(deleted.body.state).toBe('deleting')
    await waitFor(
      async () => (await show(lab, 'sw-deploy')).status,
      (status) => status === 404,
    )
    expect(await steps(lab)).toEqual([])
    expect((await act(lab, 'apply', 'kubernetes')).body.description).toBe(
      "Unable to apply strategy of type 'kubernetes': Strategy with type kubernetes doesn't exist.",
    )
    expect((await call(lab, 'POST', `${STRATEGY}/actions`, {})).body.description).toBe('Body required')
    expect((await call(lab, 'POST', `${STRATEGY}/actions`, {x: 1})).body.description).toBe('action required')
    expect(await call(lab, 'POST', `${STRATEGY}/actions`, {action: 'pause'})).toEqual({status: 200, body: null})
  })

  test('delete of a finished strategy goes in batches: deleting with its steps, then gone', async () => {
    await seed(lab, 5)
    await create(lab, {...SW_DEPLOY, 'max-parallel-subclouds': 2})
    await act(lab, 'apply')
    await waitForStrategy(lab, ['complete'])
    // Slow manager rounds: a batch per second, so the deleting state is there to be seen.
    lab.orchestrator.engine.timing.managerTickMs = 1000
    try {
      expect((await call(lab, 'DELETE', STRATEGY)).body.state).toBe('deleting')
      expect((await show(lab)).body.state).toBe('deleting')
      expect((await steps(lab)).length).toBeGreaterThan(0)
      expect((await call(lab, 'DELETE', STRATEGY)).body.description).toBe(
        "Unable to delete strategy of type 'None': Bad strategy request: Strategy in state deleting cannot be deleted",
      )
      await waitFor(
        async () => (await show(lab)).status,
        (status) => status === 404,
      )
      expect(await steps(lab)).toEqual([])
    } finally {
      lab.orchestrator.engine.timing.managerTickMs = 5
    }
  })

  test('deleting a subcloud removes its step and its options', async () => {
    await seed(lab, 2)
    await create(lab, SW_DEPLOY)
    await call(lab, 'POST', `${OPTIONS}/subcloud1`, {
      'storage-apply-type': 'serial',
      'worker-apply-type': 'serial',
      'max-parallel-workers': 3,
      'alarm-restriction-type': 'strict',
      'default-instance-action': 'stop-start',
    })
    lab.store.deleteSubcloud(lab.store.subcloudByName('subcloud1')!.id)
    expect((await steps(lab)).map((step) => step.cloud)).toEqual(['subcloud2'])
    expect((await call(lab, 'GET', OPTIONS)).body['sw-update-options']).toHaveLength(1)
  })
})

describe('strategy options', () => {
  test('defaults first, per subcloud rows, SystemController/RegionOne address the defaults, messages', async () => {
    await seed(lab, 1)
    const list = await call(lab, 'GET', OPTIONS)
    expect(list.body['sw-update-options']).toEqual([
      {
        name: 'all clouds default',
        'storage-apply-type': 'parallel',
        'worker-apply-type': 'parallel',
        'max-parallel-workers': 10,
        'default-instance-action': 'migrate',
        'alarm-restriction-type': 'relaxed',
        'created-at': null,
        'updated-at': null,
      },
    ])
    const id = lab.store.subcloudByName('subcloud1')!.id
    expect((await call(lab, 'GET', `${OPTIONS}/subcloud1`)).body.description).toBe(
      `No options found for Subcloud with id ${id}, defaults will be used.`,
    )
    expect((await call(lab, 'DELETE', `${OPTIONS}/subcloud1`)).body.description).toBe(
      'Subcloud patch options not found',
    )
    expect((await call(lab, 'GET', `${OPTIONS}/nope`)).body.description).toBe('Subcloud not found')
    const body = {
      'storage-apply-type': 'serial',
      'worker-apply-type': 'parallel',
      'max-parallel-workers': 4,
      'alarm-restriction-type': 'strict',
      'default-instance-action': 'stop-start',
    }
    const updated = await call(lab, 'POST', `${OPTIONS}/${id}`, body)
    expect(updated.body).toMatchObject({name: 'subcloud1', 'subcloud-id': id, 'max-parallel-workers': 4})
    const saved = await call(lab, 'POST', `${OPTIONS}/RegionOne`, body)
    expect(saved.body).toMatchObject({name: 'all clouds default', 'subcloud-id': 0})
    expect((await call(lab, 'GET', `${OPTIONS}/SystemController`)).body['storage-apply-type']).toBe('serial')
    expect((await call(lab, 'GET', OPTIONS)).body['sw-update-options'].map((row: {name: string}) => row.name)).toEqual([
      'all clouds default',
      'subcloud1',
    ])
    expect((await call(lab, 'POST', `${OPTIONS}/subcloud1`, {'storage-apply-type': 'serial'})).status).toBe(500)
    expect(await call(lab, 'DELETE', `${OPTIONS}/SystemController`)).toEqual({status: 200, body: null})
    expect(await call(lab, 'DELETE', `${OPTIONS}/SystemController`)).toEqual({status: 200, body: null})
    expect(await call(lab, 'DELETE', `${OPTIONS}/subcloud1`)).toEqual({status: 200, body: null})
  })
})

describe('dcm lab subcloud set', () => {
  test('--sync makes a subcloud eligible, --fail-strategy-at makes its step fail; bad input exits 2', async () => {
    await seed(lab, 2, {})
    const env = {DCM_LAB_DIR: lab.dataDir}
    const set = await runDcm(['lab', 'subcloud', 'set', 'subcloud2', '--sync', 'firmware=out-of-sync', '-f', 'json'], {
      env,
    })
    expect(set.stderr).toBe('')
    expect(set.code).toBe(0)
    expect(JSON.parse(set.stdout)).toMatchObject({name: 'subcloud2', 'sync overrides': 'firmware=out-of-sync'})
    expect(JSON.parse(set.stdout)['endpoint sync status']).toContain('firmware=out-of-sync')
    const fail = await runDcm(
      [
        'lab',
        'subcloud',
        'set',
        'subcloud2',
        '--fail-strategy-at',
        'finishing fw update',
        '-f',
        'value',
        '-c',
        'fail strategy at',
      ],
      {env},
    )
    expect(fail.stdout).toBe('finishing fw update\n')
    expect((await create(lab, {type: 'firmware'})).status).toBe(200)
    expect((await steps(lab)).map((step) => step.cloud)).toEqual(['subcloud2'])
    await act(lab, 'apply')
    expect(await waitForStrategy(lab, ['complete', 'failed'])).toBe('failed')
    expect((await steps(lab))[0].details).toBe('finishing fw update: Not all images applied successfully')

    const bad = await runDcm(['lab', 'subcloud', 'set', 'subcloud2', '--fail-strategy-at', 'nowhere'], {env})
    expect(bad.code).toBe(2)
    expect(bad.stderr).toMatch(/^Error: unknown strategy state "nowhere"/)
    const missing = await runDcm(['lab', 'subcloud', 'set', 'nope', '--sync', 'software=out-of-sync'], {env})
    expect(missing.code).toBe(1)
    expect(missing.stderr).toMatch(/^Error: no subcloud named nope/)
  })
})
