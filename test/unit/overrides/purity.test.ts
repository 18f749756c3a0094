import {describe, expect, it} from '@jest/globals'
import {readdirSync, readFileSync} from 'node:fs'
import path from 'node:path'

import {repoRoot} from '../../helpers/cli.js'

const dir = path.join(repoRoot, 'src', 'core', 'overrides')
const sources = readdirSync(dir)
  .filter((name) => name.endsWith('.ts'))
  .map((name) => ({name, text: readFileSync(path.join(dir, name), 'utf8')}))

describe('src/core/overrides is a library (design.md §2)', () => {
  it.each(sources)('$name never imports oclif and never prints', ({text}) => {
    expect(text).not.toMatch(/from '@oclif\//)
    expect(text).not.toMatch(/console\.|process\.(stdout|stderr)/)
  })

  it.each(sources)('$name loads ajv only lazily', ({text}) => {
    expect(text).not.toMatch(/^import (?!type ).* from 'ajv/m)
  })
})
