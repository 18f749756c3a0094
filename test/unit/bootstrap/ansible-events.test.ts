import {describe, expect, test} from '@jest/globals'
import {readFileSync} from 'node:fs'
import path from 'node:path'

import {AnsibleStreamParser, failureMessage} from '../../../src/core/bootstrap/ansible-events.js'
import {RunTracker} from '../../../src/core/bootstrap/run-tracker.js'
import type {AnsibleEvent} from '../../../src/core/bootstrap/types.js'
import {repoRoot} from '../../helpers/cli.js'

const transcript = (name: string) =>
  readFileSync(path.join(repoRoot, 'test', 'fixtures', 'playbooks', 'transcripts', name), 'utf8')

function parse(text: string, chunkSize = text.length): {events: AnsibleEvent[]; tracker: RunTracker} {
  const events: AnsibleEvent[] = []
  const tracker = new RunTracker()
  const parser = new AnsibleStreamParser((event) => {
    events.push(event)
    tracker.observe(event)
  })
  for (let i = 0; i < text.length; i += chunkSize) parser.feed(text.slice(i, i + chunkSize))
  parser.end()
  return {events, tracker}
}

describe('AnsibleStreamParser', () => {
  test('real ansible-core output (JSON results): tasks, ignored failure, the failing task, recap', () => {
    const {events, tracker} = parse(transcript('fail-json.txt'))
    const tasks = events.filter((e) => e.type === 'task')
    expect(tasks).toHaveLength(8)
    expect(tasks[0]).toEqual({
      type: 'task',
      index: 1,
      role: 'common/prepare-env',
      name: 'Look for override files',
      handler: false,
    })
    expect(tracker.counts.ignored).toBe(1)
    expect(tracker.lastFailure).toEqual({
      task: 'bootstrap/validate-config : Fail if multicast subnet is not in valid range',
      message: 'Invalid multicast subnet: management_multicast_subnet -> 192.168.1.0/28',
      host: 'localhost',
    })
    expect(tracker.recap.localhost).toEqual({
      ok: 5,
      changed: 1,
      unreachable: 0,
      failed: 1,
      skipped: 2,
      rescued: 0,
      ignored: 1,
    })
    expect(events.filter((e) => e.type === 'warning')).toHaveLength(2)
  })

  test('real ansible-core output with result_format=yaml gives the same result', () => {
    const json = parse(transcript('fail-json.txt')).tracker
    const yaml = parse(transcript('fail-yaml.txt')).tracker
    expect(yaml.lastFailure).toEqual(json.lastFailure)
    expect(yaml.recap).toEqual(json.recap)
    expect(yaml.tasksRun).toBe(json.tasksRun)
  })

  test('the StarlingX shapes of local-bootstrap.md §6: delegated hosts, items, loop failures, profile_tasks lines', () => {
    const {events, tracker} = parse(transcript('starlingx-sample.txt'))
    const results = events.flatMap((e) => (e.type === 'result' ? [[e.status, e.host, e.item]] : []))
    expect(results.slice(0, 4)).toEqual([
      ['ok', 'subcloud1 -> localhost', '/opt/dc-vault/ansible/secrets.yml'],
      ['ok', 'subcloud1 -> localhost', '/opt/dc-vault/ansible/subcloud1.yml'],
      ['skipped', 'subcloud1', 'None'],
      ['ok', 'subcloud1', 'None'],
    ])
    const itemFailure = events.find((e) => e.type === 'failure' && e.item === 'docker.io')
    expect(itemFailure).toMatchObject({message: 'registry unreachable'})
    // The loop task's failure was ignored: the run's failure is the later one.
    expect(tracker.lastFailure?.task).toBe(
      'bootstrap/validate-config : Fail if multicast subnet is not in valid range (Trixie)',
    )
    expect(tracker.lastFailure?.message).toBe('Invalid multicast subnet: management_multicast_subnet -> 192.168.1.0/28')
    expect(tracker.step).toBe(4)
    expect(tracker.recap.subcloud1.skipped).toBe(61)
  })

  test('chunk boundaries anywhere (one byte at a time) change nothing', () => {
    const whole = parse(transcript('starlingx-sample.txt')).events
    expect(parse(transcript('starlingx-sample.txt'), 1).events).toEqual(whole)
    expect(parse(transcript('fail-yaml.txt'), 7).events).toEqual(parse(transcript('fail-yaml.txt')).events)
  })

  test('ANSI colours, CRLF and ERROR! lines', () => {
    const {events, tracker} = parse('\x1b[0;31mERROR! the playbook: /nope.yml could not be found\x1b[0m\r\n')
    expect(events).toEqual([{type: 'error', message: 'the playbook: /nope.yml could not be found'}])
    expect(tracker.ansibleError).toBe('the playbook: /nope.yml could not be found')
  })

  test('handlers, unreachable hosts and a last line without newline', () => {
    const {events} = parse(
      'RUNNING HANDLER [bootstrap/apply-manifest : restart sysinv] ****\n' +
        'fatal: [subcloud1]: UNREACHABLE! => {"changed": false, "msg": "Failed to connect to the host via ssh", "unreachable": true}\n' +
        'PLAY RECAP ****\nsubcloud1 : ok=1 changed=0 unreachable=1 failed=0 skipped=0 rescued=0 ignored=0',
    )
    expect(events[0]).toMatchObject({type: 'task', handler: true, role: 'bootstrap/apply-manifest'})
    expect(events[1]).toMatchObject({
      type: 'failure',
      kind: 'UNREACHABLE',
      message: 'Failed to connect to the host via ssh',
    })
    expect(events[2]).toMatchObject({type: 'result', status: 'unreachable'})
    expect(events[3]).toMatchObject({type: 'recap', host: 'subcloud1', counts: {unreachable: 1}})
  })
})

describe('failureMessage', () => {
  test('msg plus stderr, from JSON and from an indented YAML block', () => {
    expect(failureMessage('{"msg": "non-zero return code", "stderr": "boom\\n", "rc": 1}', [])).toBe(
      'non-zero return code\nboom',
    )
    expect(
      failureMessage('changed=true', ['  msg: non-zero return code', '  stderr: |-', '    line one', '    line two']),
    ).toBe('non-zero return code\nline one\nline two')
  })
  test('unparsable detail is kept as text', () => {
    expect(failureMessage('{not json', ['  : : :'])).toBe('{not json\n: : :')
  })
})
