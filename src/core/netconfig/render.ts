import {formatArgv} from './executor.js'
import type {Plan} from './planner.js'
import type {InterfaceRow, SessionEvent} from './session.js'

/**
 * Turns session events into upstream-shaped text (`Enabling interfaces...  DONE`, the `%-20s` interface
 * table) plus dcm's plan. It writes through the functions it is given (the command passes stdout/stderr),
 * so it holds no terminal of its own. On a terminal the LLDP wait is a live countdown; elsewhere it prints a
 * dot per poll, like upstream's dots.
 */
export interface RenderTarget {
  out: (text: string) => void
  err: (text: string) => void
  /** Live countdown with carriage returns. */
  tty: boolean
  /** Every command and its result, when --debug is on. */
  debug?: (line: string) => void
}

export class SessionRenderer {
  private openLabel: string | undefined
  /** A countdown was drawn after the label: the line is redrawn before its status. */
  private counting = false
  private dotted = false

  constructor(private readonly target: RenderTarget) {}

  handle = (event: SessionEvent): void => {
    const {out, err} = this.target
    switch (event.type) {
      case 'begin':
        this.closeLine()
        this.openLabel = event.label
        out(event.label)
        return
      case 'lldp-tick':
        if (this.target.tty && this.openLabel) {
          out(`\r\x1b[2K${this.openLabel} ${event.remainingSeconds}s left (${event.found} of ${event.wanted})`)
          this.counting = true
        } else out(this.dotted ? '.' : ' .')
        this.dotted = true
        return
      case 'end':
        if (this.counting && this.openLabel) out(`\r\x1b[2K${this.openLabel}`)
        out(`  ${event.status}\n`)
        this.openLabel = undefined
        this.counting = false
        this.dotted = false
        return
      case 'warning':
        this.closeLine()
        err(`Warning: ${event.message}\n`)
        return
      case 'note':
        this.closeLine()
        out(`${event.message}\n`)
        return
      case 'interfaces':
        this.closeLine()
        out(renderInterfaces(event.rows))
        return
      case 'invalid-answer':
        this.closeLine()
        out(`${event.message}\n`)
        return
      case 'plan':
        this.closeLine()
        out(renderPlan(event.plan, event.dryRun))
        return
      case 'command':
      case 'undo': {
        const {argv, result} = event.report
        const prefix = event.type === 'undo' ? 'undo: ' : ''
        this.target.debug?.(`${prefix}${formatArgv(argv)} -> exit ${result.code}${stderrSuffix(result.stderr)}`)
        // A failed step's message is the run's error line; a failed undo is printed now, as it happens.
        if (result.code !== 0 && event.type === 'undo') {
          this.closeLine()
          err(`${prefix}${formatArgv(argv)}: exit ${result.code}${stderrSuffix(result.stderr)}\n`)
        }
        return
      }
    }
  }

  /** A prompt or a message must not be glued to a pending `label...`. */
  closeLine(): void {
    if (this.openLabel === undefined) return
    this.target.out('\n')
    this.openLabel = undefined
    this.counting = false
    this.dotted = false
  }
}

function stderrSuffix(stderr: string): string {
  const text = stderr.trim().replace(/\s*\n\s*/g, ' | ')
  return text ? `: ${text}` : ''
}

const pad = (text: string, width: number) => text.padEnd(width - 1) + ' '

/** Upstream's `%-20s %s` table, with the link state and MAC dcm adds on the right. */
export function renderInterfaces(rows: InterfaceRow[]): string {
  const line = (a: string, b: string, c: string, d: string) => `${pad(a, 21)}${pad(b, 21)}${pad(c, 11)}${d}`.trimEnd()
  return [
    '',
    'Available interfaces:',
    line('local interface', 'remote port', 'state', 'MAC address'),
    line('---------------', '-----------', '-----', '-----------'),
    ...rows.map((row) => line(row.name, row.remotePort, row.state, row.mac)),
    '',
    '',
  ].join('\n')
}

export function renderPlan(plan: Plan, dryRun: boolean): string {
  const lines: string[] = []
  if (plan.steps.length === 0) lines.push('Nothing to change: the management interface is already configured.')
  else {
    lines.push(dryRun ? 'Planned changes (dry run, nothing will be applied):' : 'Planned changes:')
    const width = Math.max(...plan.steps.map((step) => formatArgv(step.argv).length))
    for (const step of plan.steps) lines.push(`  ${formatArgv(step.argv).padEnd(width)}   # ${step.description}`)
  }
  if (plan.unchanged.length > 0) lines.push('Already in place:', ...plan.unchanged.map((text) => `  ${text}`))
  if (plan.kept.length > 0) lines.push('Left as they are:', ...plan.kept.map((text) => `  ${text}`))
  return lines.join('\n') + '\n'
}
