import {afterEach, describe, expect, jest, test} from '@jest/globals'

import type {BootstrapEvent, BootstrapResult} from '../../../src/core/bootstrap/types.js'
import {formatElapsed} from '../../../src/core/output/elapsed.js'
import {BootstrapProgress, progressModeFor} from '../../../src/core/output/progress.js'
import {formatPreflightCheck} from '../../../src/core/output/progress-preflight.js'

class Sink {
  text = ''
  isTTY?: boolean
  columns?: number
  write(chunk: string) {
    this.text += chunk
    return true
  }
}

const task = (index: number, role: string, name: string): BootstrapEvent => ({
  type: 'ansible',
  elapsedMs: 0,
  event: {type: 'task', index, role, name, handler: false},
})
const done = (outcome: BootstrapResult['outcome'], summary: string): BootstrapEvent => ({
  type: 'finished',
  result: {
    subcloudName: 'subcloud1',
    outcome,
    exitCode: 0,
    summary,
    tasksRun: 2,
    elapsedMs: 372_000,
    logPath: '/l.log',
  },
})

afterEach(() => {
  jest.useRealTimers()
})

describe('BootstrapProgress', () => {
  test('plain (no TTY): log path first, one timestamped line per task, heartbeat after 30 s of silence, summary', () => {
    jest.useFakeTimers()
    let now = 0
    const sink = new Sink()
    const progress = new BootstrapProgress({
      stream: sink,
      label: 'subcloud1',
      mode: 'plain',
      expectedTasks: 400,
      now: () => now,
      clock: () => new Date(Date.UTC(2026, 10, 25, 9, 0, 0) + now),
    })
    progress.handle({type: 'log-file', path: '/var/log/dcmanager/subcloud1_bootstrap_x.log'})
    now = 187_000
    progress.handle(task(37, 'bootstrap/apply-manifest', 'Applying puppet bootstrap manifest'))
    now += 29_000
    jest.advanceTimersByTime(29_000)
    expect(sink.text.split('\n')).toHaveLength(3)
    now += 2_000
    jest.advanceTimersByTime(2_000)
    progress.handle(done('complete', 'subcloud1: bootstrap complete (2 tasks, ok=1 changed=1 failed=0)'))
    expect(sink.text).toBe(
      'subcloud1: log file /var/log/dcmanager/subcloud1_bootstrap_x.log\n' +
        '[2026-11-25T09:03:07.000Z] subcloud1 bootstrap +3m07s TASK 37/~400: bootstrap/apply-manifest : Applying puppet bootstrap manifest\n' +
        '[2026-11-25T09:03:38.000Z] subcloud1 bootstrap +3m38s still running: bootstrap/apply-manifest : Applying puppet bootstrap manifest\n' +
        '[2026-11-25T09:03:38.000Z] subcloud1 bootstrap +3m38s OK subcloud1: bootstrap complete (2 tasks, ok=1 changed=1 failed=0) in 6m12s\n',
    )
    expect(sink.text).not.toMatch(/\r|\x1b/)
  })

  test('TTY: one line redrawn in place with step n/12, task n/~N and the current task, cut to the width', () => {
    jest.useFakeTimers()
    let now = 0
    const sink = Object.assign(new Sink(), {isTTY: true, columns: 70})
    const progress = new BootstrapProgress({
      stream: sink,
      label: 'subcloud1',
      mode: 'tty',
      expectedTasks: 612,
      now: () => now,
    })
    now = 62_000
    progress.handle(task(120, 'bootstrap/apply-manifest', 'Applying puppet bootstrap manifest'))
    const frames = sink.text.split('\r\x1b[2K').filter(Boolean)
    const last = frames[frames.length - 1]
    expect(last).toMatch(/^. subcloud1 bootstrap 1m02s step 6\/12 task 120\/~612 bootstrap\/apply-…$/)
    expect([...last].length).toBe(69)
    jest.advanceTimersByTime(1000)
    expect(sink.text.split('\r\x1b[2K').length).toBeGreaterThan(frames.length + 1)
    progress.handle(done('failed', 'subcloud1: bootstrap failed at task "x": boom'))
    expect(
      sink.text.endsWith('\r\x1b[2K✖ subcloud1: bootstrap failed at task "x": boom in 6m12s\n  log: /l.log\n'),
    ).toBe(true)
  })

  test('quiet prints nothing; mode detection follows TTY, CI and TERM=dumb', () => {
    const sink = new Sink()
    const progress = new BootstrapProgress({stream: sink, label: 's', mode: 'quiet'})
    progress.handle({type: 'log-file', path: '/x'})
    progress.handle(done('complete', 's: ok'))
    expect(sink.text).toBe('')
    const saved = {CI: process.env.CI, TERM: process.env.TERM}
    try {
      delete process.env.CI
      process.env.TERM = 'xterm'
      expect(progressModeFor({write: () => true, isTTY: true})).toBe('tty')
      expect(progressModeFor({write: () => true})).toBe('plain')
      process.env.CI = 'true'
      expect(progressModeFor({write: () => true, isTTY: true})).toBe('plain')
      expect(progressModeFor({write: () => true, isTTY: true}, true)).toBe('quiet')
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k]
        else process.env[k] = v
      }
    }
  })

  test('elapsed time and pre-flight lines', () => {
    expect(formatElapsed(0)).toBe('0m00s')
    expect(formatElapsed(3_725_000)).toBe('1h02m05s')
    expect(
      formatPreflightCheck(
        {id: 'oam-subnet', title: 'bootstrap address in the OAM subnet', verdict: 'warn', detail: 'd', hint: 'h'},
        'sc1',
      ),
    ).toBe('sc1: pre-flight [WARN] bootstrap address in the OAM subnet: d\n       Hint: h')
  })
})
