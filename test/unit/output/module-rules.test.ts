import {readdirSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

import {describe, expect, it} from '@jest/globals'

/** design.md §2: src/core never imports oclif and never prints; heavy modules load lazily (this one needs none). */
const DIR = join(process.cwd(), 'src/core/output')

describe('src/core/output module rules', () => {
  // The renderer's files (progress*.ts, the bootstrap progress reporter, live here too but belong to another area).
  const files = readdirSync(DIR).filter((name) => name.endsWith('.ts') && !name.startsWith('progress'))

  it.each(files)('%s imports only node builtins, its siblings and lib/errors, and never prints', (name) => {
    const source = readFileSync(join(DIR, name), 'utf8')
    const imports = [...source.matchAll(/^import .* from '([^']+)'/gm)].map((m) => m[1])
    for (const spec of imports) expect(spec).toMatch(/^(?:\.\/[\w-]+\.js|\.\.\/errors\.js|node:\w+)$/)
    expect(source).not.toMatch(/console\.\w+\(|process\.std(?:out|err)/)
  })
})
