import {describe, expect, test} from '@jest/globals'

import type {PreflightCheck} from '../../../src/core/bootstrap/preflight.js'
import {LiveRegion} from '../../../src/core/output/live-region.js'
import {BootstrapProgress} from '../../../src/core/output/progress.js'
import {reportPreflightCheck} from '../../../src/core/output/progress-preflight.js'

/**
 * A terminal, as far as progress output uses one: `\r` returns to column 0, ESC[2K erases the row, `\n` starts
 * a new row. What the operator sees is `rows`: a line glued to a spinner shows up as one row holding both.
 */
class Terminal {
  readonly isTTY = true
  readonly columns = 100
  rows: string[] = ['']
  private column = 0
  write(chunk: string) {
    for (const token of chunk.split(/(\r|\n|\x1b\[2K)/)) {
      const last = this.rows.length - 1
      if (token === '\r') this.column = 0
      else if (token === '\n') {
        this.rows.push('')
        this.column = 0
      } else if (token === '\x1b[2K') this.rows[last] = ''
      else if (token) {
        const row = this.rows[last].padEnd(this.column)
        this.rows[last] = row.slice(0, this.column) + token + row.slice(this.column + token.length)
        this.column += token.length
      }
    }
    return true
  }
}

const check = (id: PreflightCheck['id'], verdict: PreflightCheck['verdict'], title: string): PreflightCheck => ({
  id,
  title,
  verdict,
  detail: verdict === 'fail' ? 'authentication failed for sysadmin@10.10.10.12' : 'ok',
  ...(verdict === 'fail' ? {hint: 'check the sysadmin password'} : {}),
})

describe('LiveRegion', () => {
  test('lines go above the live line, which is redrawn in place and cleared at the end', () => {
    const terminal = new Terminal()
    const region = new LiveRegion(terminal, 'tty')
    region.update('⠋ subcloud1: creating')
    region.line('first')
    region.update('⠙ subcloud1: bootstrapping')
    region.line('second')
    expect(terminal.rows).toEqual(['first', 'second', '⠙ subcloud1: bootstrapping'])
    region.clear()
    expect(terminal.rows).toEqual(['first', 'second', ''])
  })

  test('without a terminal there is no live line; quiet keeps only the lines marked always', () => {
    const plain = new Terminal()
    new LiveRegion(plain, 'plain').update('status')
    expect(plain.rows).toEqual([''])
    const quiet = new Terminal()
    const region = new LiveRegion(quiet, 'quiet')
    region.line('progress')
    region.line('failure', {always: true})
    expect(quiet.rows).toEqual(['failure', ''])
  })
})

describe('pre-flight and bootstrap share one reporter', () => {
  test('on a terminal the first pre-flight line is not glued to the spinner; a failure is printed once', () => {
    const terminal = new Terminal()
    const region = new LiveRegion(terminal, 'tty')
    const progress = new BootstrapProgress({stream: terminal, label: 'subcloud1', region, reportFailure: false})
    progress.handle({type: 'log-file', path: '/var/log/dcmanager/subcloud1.log'})
    // The spinner is on screen now (connecting) when the first verdict arrives.
    expect(terminal.rows.at(-1)).toMatch(/^⠋ subcloud1 bootstrap 0m00s connecting$/)
    reportPreflightCheck(region, check('ssh-reachable', 'pass', 'SSH reachable'))
    reportPreflightCheck(region, check('password', 'fail', 'sysadmin password accepted'), undefined, true)
    progress.handle({
      type: 'finished',
      result: {
        subcloudName: 'subcloud1',
        outcome: 'not-started',
        exitCode: 3,
        summary: 'subcloud1: pre-flight "sysadmin password accepted" failed: authentication failed',
        tasksRun: 0,
        elapsedMs: 10,
        logPath: '/var/log/dcmanager/subcloud1.log',
      },
    })
    expect(terminal.rows).toEqual([
      'subcloud1: log file /var/log/dcmanager/subcloud1.log',
      'pre-flight [PASS] SSH reachable: ok',
      // The detail and the hint are the command's Error/Hint lines, printed once after this.
      'pre-flight [FAIL] sysadmin password accepted',
      '',
    ])
  })
})
