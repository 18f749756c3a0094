import {spawnSync} from 'node:child_process'
import path from 'node:path'

import {describe, expect, it} from '@jest/globals'

import {repoRoot} from '../../helpers/cli.js'

/**
 * The layer rules of docs/design.md §2 are eslint rules (eslint.config.js). Each case lints a planted file
 * through eslint's stdin, so nothing is written into src/, and checks that the boundary holds or is allowed.
 */
function lint(filePath: string, code: string): {code: number | null; output: string} {
  const eslint = path.join(repoRoot, 'node_modules', 'eslint', 'bin', 'eslint.js')
  const run = spawnSync(process.execPath, [eslint, '--stdin', '--stdin-filename', filePath], {
    cwd: repoRoot,
    input: code,
    encoding: 'utf8',
  })
  return {code: run.status, output: run.stdout + run.stderr}
}

const refused: [string, string, RegExp][] = [
  ['src/core/planted.ts', "import {startLab} from '../lab/lab-server.js'\nexport const x = startLab\n", /src\/lab/],
  ['src/core/api/planted.ts', "import {Flags} from '@oclif/core'\nexport const x = Flags\n", /never import oclif/],
  ['src/core/planted.ts', "import {x} from '../cli/prompts.js'\nexport const y = x\n", /src\/cli/],
  ['src/cli/planted.ts', "import {x} from '../lab/lab-files.js'\nexport const y = x\n", /src\/lab/],
  ['src/lab/planted.ts', "import {Flags} from '@oclif/core'\nexport const x = Flags\n", /never import oclif/],
  ['src/lab/http/planted.ts', "import {x} from '../../cli/base-command.js'\nexport const y = x\n", /src\/cli/],
  [
    'src/commands/subcloud/planted.ts',
    "export const y = async () => (await import('../../lab/lab-files.js')).x\n",
    /src\/lab/,
  ],
  ['src/core/flows/planted.ts', "export const y = async () => import('../../lab/demo.js')\n", /src\/lab/],
]

const allowed: [string, string][] = [
  ['src/commands/lab/planted.ts', "export const y = async () => (await import('../../lab/lab-files.js')).x\n"],
  ['src/lab/planted.ts', "import {DcmError} from '../core/errors.js'\nexport const y = DcmError\n"],
  ['src/cli/planted.ts', "import {DcmError} from '../core/errors.js'\nexport const y = DcmError\n"],
]

describe('layer rules (eslint.config.js)', () => {
  it.each(refused)('refuses a planted import in %s', (file, code, message) => {
    const result = lint(file, code)
    expect(result.code).toBe(1)
    expect(result.output).toMatch(message)
  })

  it.each(allowed)('allows %s to import down the layers', (file, code) => {
    const result = lint(file, code)
    expect(result.output).toBe('')
    expect(result.code).toBe(0)
  })
})
