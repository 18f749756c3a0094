import {promises as fs} from 'node:fs'
import path from 'node:path'

import {type DcmError, OperationError} from '../errors.js'
import {ensurePrivateDir, readTrustedFileSync, writePrivateFileAtomic} from '../files/private-file.js'
import {type PlanStep, netSteps} from './planner.js'

/**
 * What config-management changed on a host, kept for `--undo`. It lives under /run by default: a tmpfs
 * that is emptied at reboot, exactly like the runtime-only addresses and routes it describes, so a record
 * never outlives the changes. One file per target ("this host", a namespace, an SSH host), written 0600
 * through a temporary file, fsync and a rename so a crash never leaves half a record.
 *
 * The record is a write-ahead journal: a step is added (and on disk) before it runs, so after kill -9 or
 * an OOM mid-apply `--undo` still knows everything that may have changed. A step that never ran costs
 * nothing: the undo plan skips effects that are not present on the host.
 */
export const DEFAULT_RECORD_DIR = '/run/dcm'

export interface UndoRecord {
  version: 1
  where: string
  updated: string
  steps: PlanStep[]
}

export function recordFileFor(where: string, dir = DEFAULT_RECORD_DIR): string {
  const slug = where.replace(/[^A-Za-z0-9_.@-]+/g, '_')
  return path.join(dir, `config-management-${slug}.json`)
}

export async function loadRecord(file: string): Promise<UndoRecord | undefined> {
  const text = readTrustedFileSync(file)
  if (text === undefined) return undefined
  try {
    const record = JSON.parse(text) as UndoRecord
    if (record.version !== 1 || !Array.isArray(record.steps)) throw new Error('unknown format')
    return record
  } catch (error) {
    throw new OperationError(`${file}: not a config-management undo record (${(error as Error).message})`, {
      hint: 'remove the file if the host was reconfigured by other means',
    })
  }
}

/** Add a run's applied steps to the record, keeping only the net changes across runs. */
export async function addToRecord(file: string, where: string, applied: readonly PlanStep[]): Promise<void> {
  const previous = (await loadRecord(file))?.steps ?? []
  const steps = netSteps([...previous, ...applied])
  if (steps.length === 0) return removeRecord(file)
  await writeRecord(file, where, steps)
}

async function writeRecord(file: string, where: string, steps: PlanStep[]): Promise<void> {
  const record: UndoRecord = {version: 1, where, updated: new Date().toISOString(), steps}
  ensurePrivateDir(path.dirname(file), {what: 'the config-management record directory'})
  await writePrivateFileAtomic(file, JSON.stringify(record, null, 2) + '\n')
}

/**
 * The journal of one run: the steps recorded by earlier runs (the base) plus this run's, written ahead of
 * each change with `intend` and brought to what is really applied with `settle`.
 */
export class UndoJournal {
  private intended: PlanStep[] = []

  private constructor(
    readonly file: string,
    private readonly where: string,
    private readonly base: PlanStep[],
  ) {}

  static async open(file: string, where: string): Promise<UndoJournal> {
    return new UndoJournal(file, where, (await loadRecord(file))?.steps ?? [])
  }

  /** Record a step before it runs; fsync'd, so a kill right after still leaves it on disk. */
  async intend(step: PlanStep): Promise<void> {
    this.intended.push(step)
    try {
      await writeRecord(this.file, this.where, netSteps([...this.base, ...this.intended]))
    } catch (error) {
      this.intended.pop()
      throw new OperationError(
        `cannot write the undo journal ${this.file} (${(error as Error).message}): stopped before \`${step.argv.join(' ')}\``,
        {hint: (error as DcmError).hint ?? 'free space or choose another --record-dir'},
      )
    }
  }

  /** The run is over (done or rolled back): keep exactly the steps still applied. */
  async settle(applied: readonly PlanStep[]): Promise<void> {
    if (this.intended.length === 0) return
    const steps = netSteps([...this.base, ...applied])
    if (steps.length === 0) await removeRecord(this.file)
    else await writeRecord(this.file, this.where, steps)
  }
}

export async function removeRecord(file: string): Promise<void> {
  await fs.rm(file, {force: true})
}
