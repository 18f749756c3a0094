import {readdirSync, readFileSync} from 'node:fs'
import path from 'node:path'

import {describe, expect, it} from '@jest/globals'

import {repoRoot} from '../../helpers/cli.js'

/**
 * docs/design.md §2 "a behaviour exists once": adding a subcloud is src/core/flows/add-subcloud.ts, and
 * `subcloud add` (one file), `subcloud add` with several files (the batch) and `lab demo` all call it. A
 * second POST /subclouds or a second deploy wait loop would be a copy of the flow, so this reads the
 * sources and says where one turned up.
 */
function sources(dir: string): string[] {
  return readdirSync(path.join(repoRoot, dir), {recursive: true, withFileTypes: true})
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => path.relative(repoRoot, path.join(entry.parentPath, entry.name)))
}

const ALL = sources('src')
const read = (file: string) => readFileSync(path.join(repoRoot, file), 'utf8')
const callers = (pattern: RegExp) => ALL.filter((file) => pattern.test(read(file))).sort()

describe('one add flow', () => {
  it('POSTs a subcloud in one place: the addSubcloud flow', () => {
    expect(callers(/\.subclouds\.add\(/)).toEqual(['src/core/flows/add-subcloud.ts'])
  })

  it('is what subcloud add, the add batch and the lab demo call', () => {
    expect(callers(/\baddSubcloud\(\{/)).toEqual([
      'src/commands/subcloud/add.ts',
      'src/core/subclouds/add-batch.ts',
      'src/lab/demo-scenarios/add-subcloud.ts',
    ])
  })

  it('follows a deploy with the one waitForState loop', () => {
    expect(callers(/(?<!function )\bwaitForDeploy\(/)).toEqual(['src/core/flows/add-subcloud.ts'])
    // Following a strategy (apply --wait, show --watch), a deploy phase (`subcloud deploy <phase> --wait`), a day-2
    // operation (backup, restore, redeploy, prestage), an association's sync or a peer group's migration (--wait) is
    // the same loop over another state.
    expect(callers(/(?<!function )\bwaitForState(<[^>]*>)?\(/)).toEqual([
      'src/core/flows/wait-for-deploy.ts',
      'src/core/flows/wait-for-migration.ts',
      'src/core/flows/wait-for-phase.ts',
      'src/core/flows/wait-for-subclouds.ts',
      'src/core/flows/wait-for-sync.ts',
      'src/core/strategies/follow.ts',
    ])
  })

  it('formats elapsed time with one function', () => {
    expect(callers(/function formatElapsed\b/)).toEqual(['src/core/output/elapsed.ts'])
  })
})
