import {describe, expect, it} from '@jest/globals'

import {prestage} from '../../../src/core/api/strategies/prestage.js'
import {swDeploy} from '../../../src/core/api/strategies/sw-deploy.js'
import {fwUpdate} from '../../../src/core/api/strategies/fw-update.js'
import type {Strategy, StrategyStep} from '../../../src/core/api/strategies/types.js'
import {STEP_LIST, stepRow, strategyDetail} from '../../../src/core/strategies/columns.js'
import {defaultOutputOptions, formatList, formatShow} from '../../../src/core/output/index.js'
import {specBlock} from './spec-text.js'

const swDeployStrategy: Strategy = {
  id: 1,
  type: 'sw-deploy',
  'subcloud-apply-type': null,
  'max-parallel-subclouds': 2,
  'stop-on-failure': false,
  state: 'initial',
  'created-at': '2026-03-04 14:24:47.698157',
  'updated-at': null,
  'extra-args': {
    cleanup: false,
    kube_upgrade: null,
    release_id: 'starlingx-25.09.1',
    rollback: false,
    snapshot: false,
    sysadmin_password: null,
    with_prestage: false,
    delete: true,
  },
}

function step(
  cloud: string,
  stage: string,
  state: string,
  details: string,
  started: string | null,
  finished: string | null,
): StrategyStep {
  return {
    cloud,
    stage,
    state,
    details,
    'started-at': started,
    'finished-at': finished,
    'created-at': '2026-03-04 14:50:00.000001',
    'updated-at': null,
  }
}

describe('parity of the strategy tables with the upstream client (orchestration.md §2.4, §2.5)', () => {
  it('sw-deploy-strategy show is byte-equal to the captured table', () => {
    const {fields, values} = strategyDetail(swDeploy, swDeployStrategy)
    expect(formatShow(fields, values, defaultOutputOptions())).toBe(specBlock('Captured (`sw-deploy-strategy show`'))
  })

  it('keeps JSON types and prints value lines as upstream', () => {
    const {fields, values} = strategyDetail(swDeploy, swDeployStrategy)
    const json = JSON.parse(formatShow(fields, values, defaultOutputOptions({format: 'json'})))
    expect(json).toMatchObject({
      'subcloud apply type': null,
      'max parallel subclouds': 2,
      'stop on failure': false,
      kube_upgrade: '',
      updated_at: null,
    })
    expect(formatShow(fields, values, defaultOutputOptions({format: 'value'})).split('\n')).toEqual([
      'sw-deploy',
      'None',
      '2',
      'False',
      'starlingx-25.09.1',
      'False',
      'False',
      'delete',
      'None',
      '',
      'initial',
      '2026-03-04 14:24:47.698157',
      'None',
      '',
    ])
  })

  it('renders sw-deploy rows without extra-args, and for rollback (release_id None)', () => {
    const none = strategyDetail(swDeploy, {...swDeployStrategy, 'extra-args': null})
    expect(none.values.slice(4, 10)).toEqual(['', false, false, null, null, null])
    const rollback = strategyDetail(swDeploy, {
      ...swDeployStrategy,
      'extra-args': {...swDeployStrategy['extra-args'], release_id: null, rollback: true, delete: false},
    })
    expect(rollback.values.slice(4, 10)).toEqual([null, false, true, null, null, ''])
  })

  it('inserts the prestage software version before state only when set; no rows for the other types', () => {
    const base = {...swDeployStrategy, type: 'prestage'}
    const shown = strategyDetail(prestage, {
      ...base,
      'extra-args': {
        sysadmin_password: 'cHc=',
        force: false,
        'prestage-software-version': '25.09',
        for_sw_deploy: false,
      },
    })
    expect(shown.fields).toEqual([
      'strategy type',
      'subcloud apply type',
      'max parallel subclouds',
      'stop on failure',
      'prestage software version',
      'state',
      'created_at',
      'updated_at',
    ])
    expect(strategyDetail(prestage, {...base, 'extra-args': {'prestage-software-version': ''}}).fields).toHaveLength(7)
    expect(strategyDetail(fwUpdate, {...base, type: 'firmware', 'extra-args': null}).fields).toHaveLength(7)
  })

  it('strategy-step list is byte-equal to the captured table', () => {
    const steps = [
      step('subcloud1', 'Complete', 'complete', '', '2026-03-04 14:57:18.049556', '2026-03-04 15:20:01.123456'),
      step(
        'subcloud2',
        'Apply',
        'apply VIM sw-deploy strategy',
        'apply phase is 40% complete',
        '2026-03-04 14:57:18.049556',
        null,
      ),
      step('subcloud3', 'Create', 'initial', '', null, null),
    ]
    expect(formatList(STEP_LIST, steps.map(stepRow), defaultOutputOptions())).toBe(
      specBlock('`ERROR (app) The resource could not be found.` / `Details: Strategy step not found`. Captured:'),
    )
  })
})
