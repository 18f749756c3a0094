import {describe, expect, it} from '@jest/globals'

import {AnsibleStreamParser} from '../../../src/core/bootstrap/ansible-events.js'
import {describePlaybookFailure} from '../../../src/core/bootstrap/error-description.js'
import type {AnsibleEvent} from '../../../src/core/bootstrap/types.js'
import {BOOTSTRAP_TASKS, findTask, roleNames} from '../../../src/lab/hosts/bootstrap-transcript-tasks.js'
import {formatElapsed} from '../../../src/core/output/elapsed.js'
import {banner, playBootstrapTranscript, recapLine, timingLine} from '../../../src/lab/hosts/bootstrap-transcript.js'

// Line shapes of local-bootstrap.md §6, verbatim.
const TIMING =
  /^\w+ \d{2} \w+ \d{4} {2}\d{2}:\d{2}:\d{2} [+-]\d{4} \((?<prev>\d+:\d{2}:\d{2}\.\d{3})\) +(?<total>\d+:\d{2}:\d{2}\.\d{3}) \*+$/
const TASK = /^TASK \[(?:(?<role>[^\]]+?) : )?(?<task>.*)\] \*+$/
const RESULT = /^(?<status>ok|changed|skipping): \[(?<host>[^\]]+)\](?: => \(item=(?<item>.*)\))?(?: =>)?$/
const RECAP =
  /^(?<host>\S+)\s+: ok=(?<ok>\d+)\s+changed=(?<changed>\d+)\s+unreachable=(?<unreachable>\d+)\s+failed=(?<failed>\d+)\s+skipped=(?<skipped>\d+)\s+rescued=(?<rescued>\d+)\s+ignored=(?<ignored>\d+)$/
const PROFILE = /^(?<name>.+?) -+ +(?<secs>\d+\.\d{2})s$/

async function play(failAt?: string, durationMs = 20) {
  let output = ''
  const status = await playBootstrapTranscript({
    hostName: 'subcloud1',
    overrideFilesDir: '/home/sysadmin',
    durationMs,
    failAt: failAt ? {task: findTask(failAt)!} : undefined,
    write: (text) => (output += text),
    signal: new AbortController().signal,
  })
  return {status, output, lines: output.split('\n').map((line) => line.trimEnd())}
}

describe('bootstrap transcript line shapes', () => {
  it('pads banners to 80 columns like ansible, with at least three stars', () => {
    expect(banner('PLAY [all]')).toHaveLength(80)
    expect(banner('TASK [common/prepare-env : stat]')).toBe(
      'TASK [common/prepare-env : stat] ***********************************************',
    )
    const long = banner(`TASK [bootstrap/validate-config : ${'x'.repeat(80)}]`)
    expect(long.endsWith(' ***')).toBe(true)
  })

  it('prints profile_tasks timing lines as the spec example', () => {
    const line = timingLine(new Date('2026-03-03T14:02:11Z'), 52, 52)
    expect(line).toBe('Tuesday 03 March 2026  14:02:11 +0000 (0:00:00.052)       0:00:00.052 *********')
    expect(formatElapsed(2_384_280, 'profile')).toBe('0:39:44.280')
    expect(TIMING.test(line)).toBe(true)
  })

  it('pads the recap host line like ansible (%-26s host, %-4s counters)', () => {
    const line = recapLine('subcloud1', {
      ok: 612,
      changed: 241,
      unreachable: 0,
      failed: 0,
      skipped: 655,
      rescued: 0,
      ignored: 3,
    })
    expect(line.trimEnd()).toBe(
      'subcloud1                  : ok=612  changed=241  unreachable=0    failed=0    skipped=655  rescued=0    ignored=3',
    )
  })
})

describe('playBootstrapTranscript', () => {
  it('plays every role in order and ends with a clean recap and TASKS RECAP', async () => {
    const {status, lines} = await play()
    expect(status).toBe(0)
    const banners = lines.filter((line) => TASK.test(line))
    expect(banners).toHaveLength(BOOTSTRAP_TASKS.length)
    // Every banner is followed by a timing line, and every other line has one of the §6 shapes.
    lines.forEach((line, i) => {
      if (TASK.test(line)) expect(lines[i + 1]).toMatch(TIMING)
    })
    const roles = banners.map((line) => TASK.exec(line)!.groups!.role)
    expect([...new Set(roles)]).toEqual(roleNames())
    expect(roles[0]).toBe('common/prepare-env')
    expect(roles.at(-1)).toBe('bootstrap/complete-bootstrap')
    const recap = lines.find((line) => RECAP.test(line))!
    expect(RECAP.exec(recap)!.groups).toMatchObject({host: 'subcloud1', failed: '0', unreachable: '0'})
    const profile = lines.slice(lines.indexOf('='.repeat(79)) + 1).filter(Boolean)
    expect(profile.length).toBeGreaterThan(0)
    expect(profile.length).toBeLessThanOrEqual(20)
    for (const line of profile) expect(line).toMatch(PROFILE)
    expect(lines).toContain(
      'included: /usr/share/ansible/stx-ansible/playbooks/roles/bootstrap/bringup-essential-services/tasks/setup_default_route.yml for subcloud1',
    )
    // After each timing line comes a result (§6 shapes): ok/changed/skipping, included, or a fatal block.
    lines.forEach((line, i) => {
      if (TIMING.test(line) && !lines[i - 1].startsWith('TASKS RECAP'))
        expect(lines[i + 1]).toMatch(/^(?:(?:ok|changed|skipping): \[|included: .+ for \S+$|fatal: \[)/)
    })
    const results = lines.filter((line) => RESULT.test(line))
    expect(
      results.some((line) => line.includes('[subcloud1 -> localhost] => (item=/home/sysadmin/subcloud1.yml)')),
    ).toBe(true)
  })

  it('fails at the injected task with a fatal block, exit 2, and nothing played after it', async () => {
    const {status, lines} = await play('Applying puppet bootstrap manifest')
    expect(status).toBe(2)
    const fatal = lines.findIndex((line) => line.startsWith('fatal: [subcloud1]: FAILED! => changed=true'))
    expect(fatal).toBeGreaterThan(0)
    expect(lines[fatal - 2]).toMatch(/^TASK \[bootstrap\/apply-manifest : Applying puppet bootstrap manifest\] \*+$/)
    expect(lines.slice(fatal, fatal + 8).join('\n')).toContain('  msg: non-zero return code\n  rc: 1\n  stderr: |-')
    expect(lines.slice(fatal).some((line) => TASK.test(line))).toBe(false)
    expect(RECAP.exec(lines.find((line) => RECAP.test(line))!)!.groups!.failed).toBe('1')
  })

  it("names the subcloud's own management address and subnet in its failures, not the template's", async () => {
    let output = ''
    const playFailing = (task: string) =>
      playBootstrapTranscript({
        hostName: 'subcloud7',
        overrideFilesDir: '/home/sysadmin',
        durationMs: 10,
        failAt: {task: findTask(task)!},
        write: (text) => (output += text),
        signal: new AbortController().signal,
        management: {address: '10.77.0.2', subnet: '10.77.0.0/24'},
      })
    await playFailing('Applying puppet bootstrap manifest')
    expect(output).toContain('puppet-manifest-apply.sh /tmp/hieradata 10.77.0.2 controller')
    await playFailing('Populate initial system database')
    expect(output).toContain('Subnet 10.77.0.0/24 overlaps')
    expect(output).not.toMatch(/192\.168\.101|\{mgmt_/)
  })

  it("reads back through dcm's own ansible parser and dcmanager's error-description", async () => {
    const {output} = await play('bootstrap/validate-config')
    const events: AnsibleEvent[] = []
    const parser = new AnsibleStreamParser((event) => events.push(event))
    parser.feed(output)
    parser.end()
    const failure = events.find((event) => event.type === 'failure')
    expect(failure).toMatchObject({
      host: 'subcloud1',
      kind: 'FAILED',
      task: 'bootstrap/validate-config : Validate DNS IP format and reachability',
    })
    expect(events.filter((event) => event.type === 'recap')).toHaveLength(1)
    const description = describePlaybookFailure(
      'subcloud1',
      output,
      '/var/log/dcmanager/ansible/subcloud1_playbook_output.log',
    )
    expect(description).toMatch(
      /^FAILED bootstrapping playbook of \(subcloud1\)\.\ndetail: fatal: \[subcloud1\]: FAILED!/,
    )
    expect(description).toContain('DNS server 10.10.10.53 is unreachable.')
    expect(description).toContain(
      'FAILED TASK: TASK [bootstrap/validate-config : Validate DNS IP format and reachability]',
    )
  })

  it('stops at once when its signal aborts, rejecting with the signal reason', async () => {
    const controller = new AbortController()
    let output = ''
    const run = playBootstrapTranscript({
      hostName: 'localhost',
      overrideFilesDir: '/home/sysadmin',
      durationMs: 60_000,
      write: (text) => (output += text),
      signal: controller.signal,
    })
    setTimeout(() => controller.abort('TERM'), 50)
    await expect(run).rejects.toBe('TERM')
    expect(output).not.toContain('PLAY RECAP')
  })
})

describe('findTask', () => {
  it('accepts a task name, role : task, or a role, ignoring case and spacing', () => {
    expect(findTask('applying puppet bootstrap manifest')?.role).toBe('bootstrap/apply-manifest')
    expect(findTask('  bootstrap/persist-config :   Populate initial system database ')?.name).toBe(
      'Populate initial system database',
    )
    // A role picks its first task that has a realistic failure.
    expect(findTask('bootstrap/apply-manifest')?.name).toBe('Generating static config data')
    expect(findTask('no such task')).toBeUndefined()
    expect(findTask('')).toBeUndefined()
  })
})
