import {cpSync, readdirSync, readFileSync, statSync} from 'node:fs'
import path from 'node:path'

import {repoRoot} from './cli.js'

/**
 * Copy test/fixtures/playbooks into a directory the throwaway SSH user can read (the checkout may not be),
 * returning the directory of the copies.
 */
export function installTestPlaybooks(targetDir: string): string {
  const destination = path.join(targetDir, 'playbooks')
  cpSync(path.join(repoRoot, 'test', 'fixtures', 'playbooks'), destination, {recursive: true, mode: 0})
  return destination
}

/** Every live process's argv (NUL-separated in /proc), to prove a secret is in none of them. */
export function allProcessCommandLines(): string[] {
  const lines: string[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      lines.push(readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').join(' '))
    } catch {
      // the process exited meanwhile
    }
  }
  return lines
}

export function fileMode(file: string): number {
  return statSync(file).mode & 0o777
}
