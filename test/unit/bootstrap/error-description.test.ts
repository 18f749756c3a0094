import {describe, expect, test} from '@jest/globals'
import {readFileSync} from 'node:fs'
import path from 'node:path'

import {describeError, describePlaybookFailure, describeTimeout} from '../../../src/core/bootstrap/error-description.js'
import {repoRoot} from '../../helpers/cli.js'

const sample = readFileSync(
  path.join(repoRoot, 'test', 'fixtures', 'playbooks', 'transcripts', 'starlingx-sample.txt'),
  'utf8',
)

describe('describePlaybookFailure (dcmanager find_ansible_error_msg, local-bootstrap.md §5.5)', () => {
  test('the last fatal block up to PLAY RECAP, quotes swapped, failed task with its timing line', () => {
    expect(describePlaybookFailure('subcloud1', sample, '/x.log')).toBe(
      'FAILED bootstrapping playbook of (subcloud1).\n' +
        'detail: fatal: [subcloud1]: FAILED! => changed=false\n' +
        '  msg: "Invalid multicast subnet: management_multicast_subnet -> 192.168.1.0/28" \n' +
        'FAILED TASK: TASK [bootstrap/validate-config : Fail if multicast subnet is not in valid range (Trixie)]  ' +
        'Tuesday 03 March 2026  14:02:44 +0000 (0:00:00.031)       0:00:33.001 ',
    )
  })

  test('more than 10 lines are summarised to at most 10 lines with msg/fail/error/cmd/stderr, no duplicates', () => {
    const noise = Array.from({length: 30}, (_, i) => `  line ${i}`)
    const log = [
      'TASK [x : y] ***',
      'fatal: [h]: FAILED! => changed=true',
      '  cmd: run it',
      ...noise,
      '  stderr: error one',
      '  stderr: error one',
      ...Array.from({length: 20}, (_, i) => `  msg: failure ${i}`),
      'PLAY RECAP ***',
    ].join('\n')
    const detail = describePlaybookFailure('sc', log, '/x.log').split('\ndetail: ')[1].split(' \nFAILED TASK')[0]
    const lines = detail.split('\n')
    expect(lines).toHaveLength(10)
    expect(lines.slice(0, 4)).toEqual([
      'fatal: [h]: FAILED! => changed=true',
      '  cmd: run it',
      '  stderr: error one',
      '  msg: failure 0',
    ])
  })

  test('an ERROR! run without tasks, and a log without any error', () => {
    expect(describePlaybookFailure('sc', 'ERROR! the playbook could not be found\n', '/l.log')).toBe(
      'FAILED bootstrapping playbook of (sc).\ndetail: ERROR! the playbook could not be found \nFAILED TASK: None',
    )
    expect(describePlaybookFailure('sc', 'PLAY [all] ***\n', '/var/log/x.log')).toBe(
      'FAILED bootstrapping playbook of (sc).\ncheck individual log at /var/log/x.log for detailed output',
    )
  })

  test('at most 2048 characters', () => {
    const log = `TASK [a : b] ***\nfatal: [h]: FAILED! => changed=false\n  msg: ${'x'.repeat(5000)}\n`
    expect(describePlaybookFailure('sc', log, '/l').length).toBe(2048)
  })

  test('timeout and generic errors', () => {
    expect(describeTimeout('subcloud1')).toBe('Timeout occurred while bootstrapping subcloud subcloud1')
    expect(describeError('subcloud1', 'boom')).toBe('Error occurred while bootstrapping subcloud subcloud1: boom')
  })
})
