import {mkdirSync, readFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {writePrivateFileAtomicSync} from '../files/private-file.js'

/**
 * The "~N" of "task n of ~N": how many task banners the last complete run of the same playbook printed.
 * Includes and conditions make any static count inexact (ecosystem.md §3.1), so a previous real run is the
 * best estimate there is; with none the progress shows "task n" alone.
 */
export function taskEstimateFile(): string {
  const state = process.env.XDG_STATE_HOME || path.join(os.homedir(), '.local', 'state')
  return path.join(state, 'dcm', 'bootstrap-task-counts.json')
}

function readAll(file: string): Record<string, number> {
  try {
    const data = JSON.parse(readFileSync(file, 'utf8')) as unknown
    return data && typeof data === 'object' && !Array.isArray(data) ? (data as Record<string, number>) : {}
  } catch {
    return {}
  }
}

export function readTaskEstimate(playbook: string, file = taskEstimateFile()): number | undefined {
  const value = readAll(file)[playbook]
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : undefined
}

/** Best effort: an estimate that cannot be saved only costs the next run its "~N". */
export function saveTaskEstimate(playbook: string, tasks: number, file = taskEstimateFile()): void {
  if (!(tasks > 0)) return
  try {
    const all = readAll(file)
    all[playbook] = tasks
    mkdirSync(path.dirname(file), {recursive: true, mode: 0o700})
    writePrivateFileAtomicSync(file, JSON.stringify(all, null, 2) + '\n')
  } catch {
    // read-only home, full disk: keep going without an estimate
  }
}
