import {spawnSync} from 'node:child_process'
import {readFileSync} from 'node:fs'
import path from 'node:path'

import {describe, expect, it} from '@jest/globals'

import {repoRoot} from '../../helpers/cli.js'

/**
 * Compatibility as a reviewed change (docs/design.md "Where to add things"): the built manifest's commands,
 * flags, args and declared `--json` shapes must equal the committed snapshot. Removing a flag, changing
 * its type, char, options or default, or renaming a JSON key fails here until the snapshot is updated
 * on purpose.
 */
type Snapshot = {commands: Record<string, {flags: Record<string, unknown>; json: unknown; [key: string]: unknown}>}

const UPDATE =
  'if the change is deliberate: `npm run compile && npm run snapshot`, then commit test/fixtures/command-snapshot.json'

function current(): Snapshot {
  const run = spawnSync(process.execPath, [path.join(repoRoot, 'scripts', 'command-snapshot.js')], {encoding: 'utf8'})
  if (run.status !== 0) throw new Error(run.stderr)
  return JSON.parse(run.stdout) as Snapshot
}

function committed(): Snapshot {
  return JSON.parse(readFileSync(path.join(repoRoot, 'test', 'fixtures', 'command-snapshot.json'), 'utf8')) as Snapshot
}

/** One line per difference, naming the command and the flag or key, so the failure says what changed. */
function differences(was: Snapshot, now: Snapshot): string[] {
  const lines: string[] = []
  const ids = new Set([...Object.keys(was.commands), ...Object.keys(now.commands)])
  for (const id of [...ids].sort()) {
    const before = was.commands[id]
    const after = now.commands[id]
    if (!before || !after) {
      lines.push(`${id}: command ${before ? 'removed' : 'added'}`)
      continue
    }
    const flags = new Set([...Object.keys(before.flags), ...Object.keys(after.flags)])
    for (const flag of [...flags].sort()) {
      const a = JSON.stringify(before.flags[flag])
      const b = JSON.stringify(after.flags[flag])
      if (a !== b) lines.push(`${id} --${flag}: ${a ?? 'absent'} -> ${b ?? 'absent'}`)
    }
    for (const key of Object.keys({...before, ...after}).filter((k) => k !== 'flags')) {
      const a = JSON.stringify(before[key])
      const b = JSON.stringify(after[key])
      if (a !== b) lines.push(`${id} ${key}: ${a} -> ${b}`)
    }
  }
  return lines
}

describe('command snapshot', () => {
  const now = current()

  it('matches the committed snapshot (commands, flags, args, --json shapes)', () => {
    const changes = differences(committed(), now)
    if (changes.length > 0) throw new Error(`the CLI's surface changed:\n  ${changes.join('\n  ')}\n${UPDATE}`)
  })

  it('has a declared --json shape for every command that takes --json', () => {
    const undeclared = Object.entries(now.commands)
      .filter(([, command]) => command.json === null)
      .map(([id]) => id)
    expect(undeclared).toEqual([])
  })

  it('notices a removed flag and says how to update the snapshot', () => {
    const was = committed()
    const edited = structuredClone(was)
    delete edited.commands['subcloud:list'].flags['detail']
    expect(differences(was, edited)).toEqual([expect.stringMatching(/^subcloud:list --detail: \{.*\} -> absent$/)])
  })
})
