import {readFileSync, readdirSync} from 'node:fs'
import path from 'node:path'

import {describe, expect, it} from '@jest/globals'

import {ENVIRONMENT_VARIABLES, environmentHelp} from '../../src/cli/environment.js'
import {repoRoot} from '../helpers/cli.js'

/** Names that are not variables: error codes of the HTTP transport, and a table header constant. */
const NOT_VARIABLES = new Set([
  // constants of the lab's dcmanager service, not environment variables
  'DCMANAGER_FAMILIES',
  'DCMANAGER_MOUNT_PREFIX',
  'DCM_CONNECT_TIMEOUT',
  'DCM_HEADERS_TIMEOUT',
  'DCM_BODY_TIMEOUT',
  'DCM_REQUEST_DEADLINE',
  'DCM_BODY_TOO_LARGE',
  'CLIFF_SHOW_HEADER',
])

function sourceFiles(directory: string): string[] {
  return readdirSync(directory, {recursive: true, encoding: 'utf8'})
    .filter((name) => name.endsWith('.ts'))
    .map((name) => path.join(directory, name))
}

/** Every OS_*, DCM_*, DCMANAGER_*, DCCLIENT_*, CLIFF_* and CLI_CONFIRMATIONS name the code mentions. */
function namesInCode(): Map<string, string> {
  const names = new Map<string, string>()
  // bin/run.js too: the start script reads DCM_NO_BUNDLE before any of src/ is loaded.
  for (const file of [...sourceFiles(path.join(repoRoot, 'src')), path.join(repoRoot, 'bin', 'run.js')]) {
    if (file.endsWith(path.join('cli', 'environment.ts'))) continue
    for (const [name] of readFileSync(file, 'utf8').matchAll(
      /\b(?:OS|DCM|DCMANAGER|DCCLIENT|CLIFF)_[A-Z0-9_]+\b|\bCLI_CONFIRMATIONS\b/g,
    ))
      if (!NOT_VARIABLES.has(name) && !names.has(name)) names.set(name, path.relative(repoRoot, file))
  }
  return names
}

describe('the ENVIRONMENT list', () => {
  const listed = new Set(ENVIRONMENT_VARIABLES.map((variable) => variable.name))

  it('names every variable the code reads', () => {
    const missing = [...namesInCode()].filter(([name]) => !listed.has(name)).map(([name, file]) => `${name} (${file})`)
    expect(missing).toEqual([])
  })

  it('lists no variable the code does not read', () => {
    const inCode = namesInCode()
    expect([...listed].filter((name) => !inCode.has(name))).toEqual([])
  })

  it('is the same in docs/environment.md and in the help section', () => {
    const docs = readFileSync(path.join(repoRoot, 'docs', 'environment.md'), 'utf8')
    const help = environmentHelp()
    for (const {name, description} of ENVIRONMENT_VARIABLES) {
      expect(docs).toContain(`| \`${name}\` | ${description.replaceAll('|', '\\|')} |`)
      expect(help).toMatch(new RegExp(`^${name} +\\S`, 'm'))
    }
  })
})
