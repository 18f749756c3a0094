import {describe, expect, it} from '@jest/globals'

import type {Strategy, StrategyStep} from '../../../src/core/api/strategies/types.js'
import {StrategyProgressView} from '../../../src/cli/strategy-progress.js'
import {summarizeSteps} from '../../../src/core/strategies/step-summary.js'

const strategy = (state: string): Strategy =>
  ({type: 'sw-deploy', state, 'stop-on-failure': false}) as unknown as Strategy
const step = (cloud: string, state: string, details = ''): StrategyStep =>
  ({cloud, state, details, stage: 'Apply', 'started-at': '2026-03-04 10:00:00.000000'}) as StrategyStep

function view(mode: 'tty' | 'plain') {
  const written: string[] = []
  const progress = new StrategyProgressView({
    stream: {write: (text: string) => written.push(text), columns: 100},
    type: 'sw-deploy',
    mode,
    now: () => 0,
    clock: () => new Date('2026-03-04T10:01:05Z'),
  })
  return {progress, written}
}

describe('strategy progress', () => {
  it('prints timestamped lines of changes only, failures with their details, without a terminal', () => {
    const {progress, written} = view('plain')
    const first = [step('sc1', 'sw-deploy pre-check'), step('sc2', 'initial')]
    progress.update({strategy: strategy('applying'), steps: first, summary: summarizeSteps(first), elapsedMs: 0})
    progress.update({strategy: strategy('applying'), elapsedMs: 10})
    const second = [step('sc1', 'failed', 'sw-deploy pre-check: Failed for subcloud sc1: boom'), step('sc2', 'initial')]
    progress.update({strategy: strategy('failed'), steps: second, summary: summarizeSteps(second), elapsedMs: 20})
    progress.end()
    expect(written.join('')).toBe(
      [
        '2026-03-04T10:01:05.000Z sw-deploy strategy applying',
        '2026-03-04T10:01:05.000Z sc1 sw-deploy pre-check',
        '2026-03-04T10:01:05.000Z steps: 0 complete, 1 running, 1 not started, 0 failed (of 2)',
        '2026-03-04T10:01:05.000Z sw-deploy strategy failed',
        '2026-03-04T10:01:05.000Z sc1 failed: sw-deploy pre-check: Failed for subcloud sc1: boom',
        '2026-03-04T10:01:05.000Z steps: 0 complete, 0 running, 1 not started, 1 failed (of 2)',
        '',
      ].join('\n'),
    )
  })

  it('redraws one block on a terminal: counts, running steps with state and elapsed, failures', () => {
    const {progress, written} = view('tty')
    const steps = [
      step('sc1', 'apply VIM sw-deploy strategy', 'apply phase is 40% complete'),
      step('sc2', 'failed', 'x: y'),
    ]
    progress.update({strategy: strategy('applying'), steps, summary: summarizeSteps(steps), elapsedMs: 0})
    progress.update({strategy: strategy('applying'), elapsedMs: 0})
    progress.end()
    expect(written[0]).toBe(
      '\u001b[Jsw-deploy strategy applying, 0m00s elapsed\n' +
        '  steps: 0 complete, 1 running, 0 not started, 1 failed (of 2)\n' +
        '  sc1  apply VIM sw-deploy strategy - apply phase is 40% complete  1m05s\n' +
        '  failed: sc2  x: y\n',
    )
    // The second draw goes back up over the four lines of the first.
    expect(written[1].startsWith('\u001b[4F\u001b[J')).toBe(true)
  })
})
