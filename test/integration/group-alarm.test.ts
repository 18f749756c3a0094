import {afterAll, beforeAll, describe, expect, it} from '@jest/globals'

import AlarmSummary from '../../src/commands/alarm/summary.js'
import GroupAdd from '../../src/commands/subcloud-group/add.js'
import GroupDelete from '../../src/commands/subcloud-group/delete.js'
import GroupList from '../../src/commands/subcloud-group/list.js'
import GroupListSubclouds from '../../src/commands/subcloud-group/list-subclouds.js'
import GroupShow from '../../src/commands/subcloud-group/show.js'
import GroupUpdate from '../../src/commands/subcloud-group/update.js'
import {seedFleet} from '../../src/lab/scenarios/fleet.js'
import {type FaultServer, inFrontOf} from '../faults/fault-server.js'
import {runDcm} from '../helpers/cli.js'
import {runInProcess} from '../helpers/in-process.js'
import {startTestLab, type TestLab} from '../helpers/lab.js'

/**
 * subcloud-group list|add|show|update|delete|list-subclouds and alarm summary, run in process (the commands
 * from source against a test lab on loopback: a subprocess would add only its start-up), through the fault
 * server, which records the request bodies.
 */
const COMMANDS = {
  'subcloud-group add': GroupAdd,
  'subcloud-group delete': GroupDelete,
  'subcloud-group list': GroupList,
  'subcloud-group list-subclouds': GroupListSubclouds,
  'subcloud-group show': GroupShow,
  'subcloud-group update': GroupUpdate,
  'alarm summary': AlarmSummary,
}

describe('dcm subcloud-group and alarm summary', () => {
  let lab: TestLab
  let faults: FaultServer
  const dcm = (topic: string, verb: string, ...args: string[]) =>
    runInProcess(COMMANDS[`${topic} ${verb}` as keyof typeof COMMANDS], args, faults.env())

  beforeAll(async () => {
    lab = await startTestLab()
    // sc1 managed and online (audited: the lab raises no alarms, so zeros), sc2 unmanaged (not audited: -1).
    await seedFleet(lab.store, {count: 2, prefix: 'sc'})
    lab.store.updateSubcloud(lab.store.subcloudByName('sc2')!.id, {managementState: 'unmanaged'})
    lab.audit()
    faults = await inFrontOf(lab)
  })
  afterAll(async () => {
    await faults.stop()
    await lab.stop()
  })

  it("add sends dcmanager's JSON body with its defaults and prints GROUP_DETAIL", async () => {
    const result = await dcm('subcloud-group', 'add', '--name', 'edge-east', '--max_parallel_subclouds', '4')
    expect(result.code).toBe(0)
    const post = faults.requests.find((r) => r.method === 'POST' && r.path.includes('subcloud-groups'))!
    expect(JSON.parse(post.body.toString())).toEqual({
      name: 'edge-east',
      description: 'No description provided',
      update_apply_type: 'parallel',
      max_parallel_subclouds: 4,
    })
    expect(
      result.stdout
        .split('\n')
        .slice(3, 8)
        .map((l) => l.split('|')[1].trim()),
    ).toEqual(['id', 'name', 'description', 'update apply type', 'max parallel subclouds'])
  })

  it('list, show by name, update with hyphen alias, list-subclouds', async () => {
    const list = await dcm('subcloud-group', 'list', '-f', 'value')
    expect(list.stdout).toBe('1 Default Default Subcloud Group\n2 edge-east No description provided\n')
    const show = await dcm('subcloud-group', 'show', 'edge-east', '-f', 'shell')
    expect(show.stdout).toContain('update_apply_type="parallel"\n')
    const update = await dcm(
      'subcloud-group',
      'update',
      'edge-east',
      '--update-apply-type',
      'serial',
      '-f',
      'value',
      '-c',
      'update apply type',
    )
    expect(update.stdout).toBe('serial\n')
    const members = await dcm('subcloud-group', 'list-subclouds', 'Default', '-f', 'value', '-c', 'name')
    expect(members.stdout).toBe('sc1\nsc2\n')
  })

  it('server rules come back as one line (exit 1); an empty list prints the <none> row', async () => {
    const rename = await dcm('subcloud-group', 'update', 'Default', '--name', 'x')
    expect(rename.code).toBe(1)
    expect(rename.stderr).toBe(
      'Error: Unable to update subcloud group Default: Default group name cannot be changed (HTTP 400)\n',
    )
    const empty = await dcm('subcloud-group', 'list-subclouds', 'edge-east', '-c', 'id', '-c', 'name')
    expect(empty.stdout).toBe(
      '+--------+--------+\n| id     | name   |\n+--------+--------+\n| <none> | <none> |\n+--------+--------+\n',
    )
    // CLI_CONFIRMATIONS=enabled with no terminal: refused before anything is sent; unset: deleted as upstream does.
    const before = faults.requests.length
    const refused = await runDcm(['subcloud-group', 'delete', 'edge-east'], {
      env: faults.env({CLI_CONFIRMATIONS: 'enabled'}),
    })
    expect(refused).toMatchObject({
      code: 2,
      stderr: 'Error: confirmation required (CLI_CONFIRMATIONS=enabled): no terminal to prompt on\nHint: pass --yes\n',
    })
    expect(faults.requests.length).toBe(before)
    const deleted = await dcm('subcloud-group', 'delete', 'edge-east')
    expect(deleted).toMatchObject({code: 0, stdout: '', stderr: ''})
    const gone = await dcm('subcloud-group', 'show', 'edge-east')
    expect(gone.stderr).toBe('Error: Unable to show subcloud group edge-east: Subcloud Group not found (HTTP 404)\n')
  })

  it('alarm summary shows - for unavailable counts and numbers right-aligned otherwise', async () => {
    const result = await dcm('alarm', 'summary')
    expect(result.code).toBe(0)
    expect(result.stdout).toBe(
      [
        '+------+-----------------+--------------+--------------+----------+----------+',
        '| NAME | CRITICAL_ALARMS | MAJOR_ALARMS | MINOR_ALARMS | WARNINGS | STATUS   |',
        '+------+-----------------+--------------+--------------+----------+----------+',
        '| sc1  |               0 |            0 |            0 |        0 | OK       |',
        '| sc2  |               - |            - |            - |        - | disabled |',
        '+------+-----------------+--------------+--------------+----------+----------+',
        '',
      ].join('\n'),
    )
  })

  it('--json prints the shape each command declares for the command snapshot', async () => {
    const list = await dcm('subcloud-group', 'list', '--json')
    const rows = JSON.parse(list.stdout) as Record<string, unknown>[]
    expect(GroupList.jsonShape).toEqual({kind: 'list', keys: Object.keys(rows[0])})
    const show = await dcm('subcloud-group', 'show', 'Default', '--json')
    expect(GroupShow.jsonShape).toEqual({kind: 'object', keys: Object.keys(JSON.parse(show.stdout) as object)})
    expect(show.result).toEqual(JSON.parse(show.stdout))
  })
})
