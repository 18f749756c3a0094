import {afterAll, beforeAll, describe, expect, it} from '@jest/globals'

import {dcmInProcess} from '../helpers/in-process.js'
import {startTestLab, type TestLab} from '../helpers/lab.js'

/**
 * subcloud-group list|add|show|update|delete|list-subclouds and alarm summary against a started dcm lab, the
 * commands run in process (test/helpers/in-process.ts).
 */
describe('dcm subcloud-group against dcm lab', () => {
  let lab: TestLab
  const dcm = (...args: string[]) => dcmInProcess(args, lab.env)
  beforeAll(async () => {
    lab = await startTestLab()
  })
  afterAll(async () => {
    await lab.stop()
  })

  it('the Default group exists; add, show, update, list-subclouds (empty: <none>), delete', async () => {
    const list = await dcm('subcloud-group', 'list')
    expect(list.stdout).toBe(
      [
        '+----+---------+------------------------+',
        '| id | name    | description            |',
        '+----+---------+------------------------+',
        '|  1 | Default | Default Subcloud Group |',
        '+----+---------+------------------------+',
        '',
      ].join('\n'),
    )
    const added = await dcm('subcloud-group', 'add', '--name', 'edge', '--update_apply_type', 'serial', '-f', 'json')
    expect(added.code).toBe(0)
    expect(JSON.parse(added.stdout)).toMatchObject({
      name: 'edge',
      description: 'No description provided',
      'update apply type': 'serial',
      'max parallel subclouds': 2,
    })
    const shown = await dcm('subcloud-group', 'show', 'edge', '-f', 'value', '-c', 'max parallel subclouds')
    expect(shown.stdout).toBe('2\n')
    const updated = await dcm(
      'subcloud-group',
      'update',
      'edge',
      '--max-parallel-subclouds',
      '7',
      '-f',
      'value',
      '-c',
      'max parallel subclouds',
    )
    expect(updated.stdout).toBe('7\n')
    const empty = await dcm('subcloud-group', 'list-subclouds', 'edge', '-f', 'value', '-c', 'name')
    expect(empty.stdout).toBe('<none>\n')
    const deleted = await dcm('subcloud-group', 'delete', 'edge', '--yes')
    expect(deleted.code).toBe(0)
  })

  it('server rules come back as one line with exit 1', async () => {
    const duplicate = await dcm('subcloud-group', 'add', '--name', 'Default')
    expect(duplicate.code).toBe(1)
    expect(duplicate.stderr).toBe('Error: Unable to add subcloud group: Invalid group name (HTTP 400)\n')
    const bad = await dcm('subcloud-group', 'add', '--name', 'x', '--max_parallel_subclouds', '0')
    expect(bad.stderr).toBe('Error: Unable to add subcloud group: Invalid group max_parallel_subclouds (HTTP 400)\n')
    const undeletable = await dcm('subcloud-group', 'delete', 'Default', '--yes')
    expect(undeletable.stderr).toBe(
      'Error: Unable to delete subcloud group Default: Default Subcloud Group may not be deleted (HTTP 400)\n',
    )
    const missing = await dcm('subcloud-group', 'show', '99')
    expect(missing.stderr).toBe('Error: Unable to show subcloud group 99: Subcloud Group not found (HTTP 404)\n')
  })

  it('alarm summary of a lab without subclouds prints the <none> row', async () => {
    const result = await dcm('alarm', 'summary', '-f', 'csv')
    expect(result.stdout).toBe(
      '"NAME","CRITICAL_ALARMS","MAJOR_ALARMS","MINOR_ALARMS","WARNINGS","STATUS"\n"<none>","<none>","<none>","<none>","<none>","<none>"\n',
    )
  })
})
