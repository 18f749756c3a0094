import {expect, test} from '@jest/globals'

import {type DemoEvent, runLabDemo} from '../../src/lab/demo.js'
import {recoveryScenario} from '../../src/lab/demo-scenarios/recovery.js'

/**
 * `dcm lab demo --scenario recovery` in this process at a small time scale: the bootstrap fails at its named
 * task, resume completes the deploy, a central backup is taken and the subcloud is restored from it.
 */
test('the recovery scenario: failed bootstrap resumed, backup taken, restored, managed again', async () => {
  const events: DemoEvent[] = []
  const result = await runLabDemo({scenario: recoveryScenario, timeScale: 0.1, onEvent: (event) => events.push(event)})
  const steps = events.filter((event) => event.kind === 'step') as Array<{title: string; detail?: string[]}>
  const failed = steps.find((step) => step.title.startsWith('The bootstrap failed at a named task'))
  expect(failed?.detail).toEqual([
    'deploy status bootstrap-failed, failed task: bootstrap/prepare-env : Fail if the local registry cannot be reached',
  ])
  const progress = events.filter((event) => event.kind === 'progress').map((event) => (event as {line: string}).line)
  expect(progress).toEqual(
    expect.arrayContaining([
      'subcloud1: deploy-status bootstrap-failed',
      'subcloud1: deploy-status complete',
      'subcloud1: backup-status complete-central',
    ]),
  )
  // Polling sees the resting states; short transitional ones may pass between two polls.
  expect(progress.indexOf('subcloud1: deploy-status bootstrap-failed')).toBeLessThan(
    progress.indexOf('subcloud1: deploy-status complete'),
  )
  expect(progress.at(-1)).toBe('subcloud1: deploy-status complete')
  expect(result.subcloud).toMatchObject({
    'deploy-status': 'complete',
    'backup-status': 'complete-central',
    'management-state': 'managed',
    'availability-status': 'online',
  })
})
