import {expect, test} from '@jest/globals'

import type {Subcloud} from '../../src/core/api/dcmanager-types.js'
import type {DemoEvent} from '../../src/lab/demo.js'
import {runGeoDemo} from '../../src/lab/demo-scenarios/geo.js'

/**
 * `dcm lab demo --scenario geo` in this process at a small time scale: two sites, pg1 of three subclouds synced
 * A -> B (secondary copies on B), site A stopped and seen unavailable by B, pg1 migrated to B, whose subcloud
 * list ends with the three managed and online.
 */
test('the geo scenario: synced, A lost, migrated, B lists the three managed and online', async () => {
  const events: DemoEvent[] = []
  await runGeoDemo({timeScale: 0.05, onEvent: (event) => events.push(event)})
  const lists = events
    .filter((event) => event.kind === 'list')
    .map((event) => (event as {subclouds: Subcloud[]}).subclouds)
  const row = (subcloud: Subcloud) => [
    subcloud.name,
    subcloud['management-state'],
    subcloud['availability-status'],
    subcloud['deploy-status'],
  ]
  expect(lists[0].map(row)).toEqual(
    ['subcloud1', 'subcloud2', 'subcloud3'].map((name) => [name, 'unmanaged', 'offline', 'secondary']),
  )
  expect(lists.at(-1)!.map(row)).toEqual(
    ['subcloud1', 'subcloud2', 'subcloud3'].map((name) => [name, 'managed', 'online', 'complete']),
  )
  const titles = events.filter((event) => event.kind === 'step').map((event) => (event as {title: string}).title)
  expect(titles).toContain('site-b: system peer site-a is unavailable after 3 failed heartbeats')
  expect(titles.at(-1)).toBe('site-b leads pg1 now (system_leader_name site-b); its subcloud list:')
})
