import {describe, expect, it} from '@jest/globals'
import {readdirSync, readFileSync} from 'node:fs'
import path from 'node:path'

import {
  loadOverrideFile,
  validateSubcloudOverrides,
  validateSystemControllerOverrides,
} from '../../../src/core/overrides/index.js'
import {repoRoot} from '../../helpers/cli.js'

/**
 * Each fixture states its verdict in its first line: `# expect: clean` or `# expect: RULE@LINE ...` (the errors, in
 * order); `(system-controller)` selects the System Controller validator.
 */
const dir = path.join(repoRoot, 'test', 'fixtures', 'overrides')
const fixtures = readdirSync(dir)
  .filter((name) => /\.ya?ml$/.test(name))
  .map((name) => {
    const header = readFileSync(path.join(dir, name), 'utf8').split('\n')[0]
    const match = /^# expect: (.*)$/.exec(header)
    if (!match) throw new Error(`${name}: first line must be '# expect: ...'`)
    return {name, expectation: match[1]}
  })

describe('fixtures give the verdict their header states', () => {
  it.each(fixtures)('$name: $expectation', async ({name, expectation}) => {
    const loaded = loadOverrideFile(path.join(dir, name))
    const findings = expectation.includes('(system-controller)')
      ? await validateSystemControllerOverrides(loaded)
      : await validateSubcloudOverrides(loaded)
    const errors = findings.filter((finding) => finding.severity === 'error').map((f) => `${f.rule}@${f.line}`)
    const expected = expectation.startsWith('clean') ? [] : expectation.split(/\s+/)
    expect(errors).toEqual(expected)
    expect(findings.filter((finding) => finding.severity === 'warning')).toEqual([])
  })
})
