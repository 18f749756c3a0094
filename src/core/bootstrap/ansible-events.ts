import {parse as parseYaml} from 'yaml'

import type {AnsibleEvent, RecapCounts, ResultStatus} from './types.js'

/**
 * Incremental parser of ansible-playbook's default-callback output (local-bootstrap.md §6): feed it chunks as
 * they arrive, it calls `emit` with one event per recognised line. It knows the JSON (`=> {...}`) and the YAML
 * (`result_format = yaml`, StarlingX's setting) forms of failure results.
 */
const ANSI = /\x1b\[[0-9;]*[A-Za-z]/g
const PLAY = /^PLAY \[(.*)\] \*+$/
const TASK = /^(TASK|RUNNING HANDLER) \[(?:([^\]]+?) : )?(.*)\] \*+$/
const RESULT = /^(ok|changed|skipping): \[([^\]]+)\](?: => \(item=(.*?)\))?(?: =>.*)?$/
const FATAL = /^fatal: \[([^\]]+)\]: (FAILED|UNREACHABLE)! => ?(.*)$/
const ITEM_FAILED = /^failed: \[([^\]]+)\] \(item=(.*?)\) => ?(.*)$/
const RECAP_START = /^PLAY RECAP \*+$/
const RECAP_HOST =
  /^(\S+)\s+: ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)\s+skipped=(\d+)\s+rescued=(\d+)\s+ignored=(\d+)$/
const ANSIBLE_ERROR = /^ERROR! (.*)$/
const WARNING = /^\[(?:WARNING|DEPRECATION WARNING)\]: (.*)$/

interface PendingFailure {
  host: string
  kind: 'FAILED' | 'UNREACHABLE'
  item?: string
  first: string
  block: string[]
}

export class AnsibleStreamParser {
  private buffer = ''
  private taskIndex = 0
  private currentTask: string | undefined
  private pending: PendingFailure | undefined
  private inRecap = false

  constructor(private readonly emit: (event: AnsibleEvent) => void) {}

  /** Number of task and handler banners seen so far. */
  get tasksSeen(): number {
    return this.taskIndex
  }

  feed(chunk: string): void {
    this.buffer += chunk
    let newline: number
    while ((newline = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, newline)
      this.buffer = this.buffer.slice(newline + 1)
      this.line(line)
    }
  }

  /** End of stream: a last line without newline, and a failure block still open. */
  end(): void {
    if (this.buffer !== '') this.line(this.buffer)
    this.buffer = ''
    this.flushFailure()
  }

  private line(raw: string): void {
    const line = raw.replace(ANSI, '').replace(/\r$/, '').trimEnd()
    if (this.pending) {
      // The detail of a failure is the indented YAML block that follows it.
      if (line.startsWith('  ')) {
        this.pending.block.push(line)
        return
      }
      this.flushFailure()
    }
    if (line === '') return
    let m: RegExpExecArray | null
    if ((m = PLAY.exec(line))) {
      this.inRecap = false
      this.emit({type: 'play', name: m[1]})
    } else if ((m = TASK.exec(line))) {
      this.taskIndex++
      this.currentTask = m[2] ? `${m[2]} : ${m[3]}` : m[3]
      this.emit({type: 'task', index: this.taskIndex, role: m[2], name: m[3], handler: m[1] !== 'TASK'})
    } else if ((m = RESULT.exec(line))) {
      const status: ResultStatus = m[1] === 'skipping' ? 'skipped' : (m[1] as ResultStatus)
      this.emit({type: 'result', status, host: m[2], item: m[3], task: this.currentTask})
    } else if ((m = FATAL.exec(line))) {
      this.pending = {host: m[1], kind: m[2] as 'FAILED' | 'UNREACHABLE', first: m[3], block: []}
    } else if ((m = ITEM_FAILED.exec(line))) {
      this.pending = {host: m[1], kind: 'FAILED', item: m[2], first: m[3], block: []}
    } else if (line === '...ignoring') {
      this.emit({type: 'result', status: 'ignored', host: '', task: this.currentTask})
    } else if (RECAP_START.test(line)) {
      this.inRecap = true
    } else if (this.inRecap && (m = RECAP_HOST.exec(line))) {
      const n = m.slice(2).map(Number)
      const counts: RecapCounts = {
        ok: n[0],
        changed: n[1],
        unreachable: n[2],
        failed: n[3],
        skipped: n[4],
        rescued: n[5],
        ignored: n[6],
      }
      this.emit({type: 'recap', host: m[1], counts})
    } else if ((m = ANSIBLE_ERROR.exec(line))) {
      this.emit({type: 'error', message: m[1]})
    } else if ((m = WARNING.exec(line))) {
      this.emit({type: 'warning', message: m[1]})
    }
  }

  private flushFailure(): void {
    const pending = this.pending
    if (!pending) return
    this.pending = undefined
    this.emit({
      type: 'failure',
      host: pending.host,
      kind: pending.kind,
      item: pending.item,
      task: this.currentTask,
      message: failureMessage(pending.first, pending.block),
    })
    if (pending.item === undefined) {
      // A failed loop item is followed by a fatal line for the task itself; only that one is a result.
      this.emit({
        type: 'result',
        status: pending.kind === 'UNREACHABLE' ? 'unreachable' : 'failed',
        host: pending.host,
        task: this.currentTask,
      })
    }
  }
}

/**
 * The operator-facing message of a failure: `msg`, plus `stderr` when present (what dcmanager shows),
 * from the one-line JSON form or the YAML block form.
 */
export function failureMessage(first: string, block: string[]): string {
  let data: unknown
  const text = first.trim()
  // The YAML block is indented (2 spaces with StarlingX's callback, 4 with ansible-core's); dedent it as a whole.
  const indent = Math.min(...block.filter((l) => l.trim() !== '').map((l) => l.length - l.trimStart().length))
  const body = block.map((l) => l.slice(Number.isFinite(indent) ? indent : 0))
  try {
    if (text.startsWith('{')) data = JSON.parse(text)
    else data = parseYaml([text.replace(/^(\w+)=/, '$1: '), ...body].join('\n'))
  } catch {
    data = undefined
  }
  if (data && typeof data === 'object') {
    const record = data as Record<string, unknown>
    const parts: string[] = []
    const msg = record.msg ?? record.message
    if (msg !== undefined) parts.push(typeof msg === 'string' ? msg : JSON.stringify(msg))
    const stderr = record.stderr
    if (typeof stderr === 'string' && stderr.trim() !== '' && stderr !== msg) parts.push(stderr.trim())
    if (parts.length) return parts.join('\n')
  }
  return [text, ...block.map((l) => l.trim())].filter(Boolean).join('\n')
}
