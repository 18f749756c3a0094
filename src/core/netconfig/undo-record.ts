import {randomBytes} from 'node:crypto'
import {promises as fs} from 'node:fs'
import path from 'node:path'

import {OperationError} from '../errors.js'
import {type PlanStep, netSteps} from './planner.js'

/**
 * What config-management changed on a host, kept for `--undo`. It lives under /run by default: a tmpfs
 * that is emptied at reboot, exactly like the runtime-only addresses and routes it describes, so a record
 * never outlives the changes. One file per target ("this host", a namespace, an SSH host), written 0600
 * through a temporary file and a rename so a crash never leaves half a record.
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
  let text: string
  try {
    text = await fs.readFile(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw error
  }
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
  const record: UndoRecord = {version: 1, where, updated: new Date().toISOString(), steps}
  await fs.mkdir(path.dirname(file), {recursive: true, mode: 0o700})
  const temporary = `${file}.${randomBytes(4).toString('hex')}.tmp`
  await fs.writeFile(temporary, JSON.stringify(record, null, 2) + '\n', {mode: 0o600})
  await fs.rename(temporary, file)
}

export async function removeRecord(file: string): Promise<void> {
  await fs.rm(file, {force: true})
}
