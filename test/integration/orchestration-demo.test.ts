import {expect, test} from '@jest/globals'

import type {DemoEvent} from '../../src/lab/demo.js'
import {runOrchestrationDemo} from '../../src/lab/scenarios/orchestration-demo.js'

/**
 * `dcm lab demo --scenario orchestration` in this process at a small time scale: twenty subclouds, a
 * sw-deploy strategy in two stages of ten, one failure without stop-on-failure, watched to the end, closing
 * with the step list and the failed step's details.
 */
test('the orchestration scenario: two stages, one failed step named with its details, the rest upgraded', async () => {
  const events: DemoEvent[] = []
  await runOrchestrationDemo({timeScale: 0.02, onEvent: (event) => events.push(event)})
  const titles = events.filter((event) => event.kind === 'step').map((event) => (event as {title: string}).title)
  expect(titles).toHaveLength(5)
  expect(titles[4]).toBe('The strategy ended failed: dcm strategy-step list')
  const created = events.find((event) => event.kind === 'step' && event.number === 3) as {detail: string[]}
  expect(created.detail.slice(1)).toEqual([
    'stage 1: subcloud1 .. subcloud10 (10)',
    'stage 2: subcloud11 .. subcloud20 (10)',
  ])
  const progress = events.filter((event) => event.kind === 'progress').map((event) => (event as {line: string}).line)
  // Watched live: one line per distinct picture of the steps, ending with the final one.
  expect(progress.length).toBeGreaterThan(3)
  expect(progress.at(-1)).toBe('failed: 19 complete, 1 failed')
  const notes = events.filter((event) => event.kind === 'note').map((event) => (event as {line: string}).line)
  expect(notes).toContain(
    'subcloud7 failed: apply VIM sw-deploy strategy: Failed for subcloud subcloud7: VIM strategy apply failed: failure injected by dcm lab subcloud set --fail-strategy-at State: apply-failed Strategy: sw-upgrade',
  )
  expect(notes).toContain('subcloud7: still at 24.09, deploy-status sw-deploy-apply-strategy-failed')
  expect(notes).toContain('19 of 20 subclouds now run 25.09')
  expect(notes.filter((line) => /^\| subcloud\d+ +\| Complete \|/.test(line))).toHaveLength(20)
})
