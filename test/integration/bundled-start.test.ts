import {spawn} from 'node:child_process'
import {existsSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {pathToFileURL} from 'node:url'

import {afterAll, beforeAll, describe, expect, it} from '@jest/globals'

import {repoRoot, runDcm} from '../helpers/cli.js'

/**
 * bin/run.js runs dcm as one bundled script (dist/bundle/dcm.cjs, scripts/bundle.js) with explicitly listed
 * commands; oclif's own start finds the same commands file by file through the manifest. Whichever start runs,
 * an operator must see the same: help, listings, the version line, a mistyped command.
 */
describe('the bundled start and the file-by-file start', () => {
  let scratch: string
  let fileByFile: string

  beforeAll(() => {
    scratch = mkdtempSync(path.join(os.tmpdir(), 'dcm-bundled-start-'))
    // oclif's start as bin/run.js makes it when there is no current bundle.
    fileByFile = path.join(scratch, 'file-by-file.mjs')
    const oclif = pathToFileURL(path.join(repoRoot, 'node_modules', '@oclif', 'core', 'lib', 'index.js')).href
    const runJs = pathToFileURL(path.join(repoRoot, 'bin', 'run.js')).href
    writeFileSync(
      fileByFile,
      `import oclif from '${oclif}'\noclif.settings.enableAutoTranspile = false\nawait oclif.execute({dir: '${runJs}'})\n`,
    )
  })
  afterAll(() => rmSync(scratch, {recursive: true, force: true}))

  function runFileByFile(args: string[]): Promise<{code: number | null; stdout: string; stderr: string}> {
    const env: Record<string, string | undefined> = {}
    for (const [key, value] of Object.entries(process.env))
      if (!/^(OS_|DCM_|CLIFF_)/.test(key) && key !== 'NODE_OPTIONS') env[key] = value
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [fileByFile, ...args], {
        cwd: repoRoot,
        env: {...env, NO_COLOR: '1'},
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      let stdout = ''
      let stderr = ''
      child.stdout.on('data', (chunk) => (stdout += chunk))
      child.stderr.on('data', (chunk) => (stderr += chunk))
      child.on('error', reject)
      child.on('close', (code) => resolve({code, stdout, stderr}))
    })
  }

  it('is built by npm run compile, with its code cache and its light manifest', () => {
    for (const file of ['dcm.cjs', 'dcm.cjs.cache', 'oclif.manifest.json', 'oclif.manifest.run.json'])
      expect(existsSync(path.join(repoRoot, 'dist', 'bundle', file))).toBe(true)
  })

  it.each([
    [['--help']],
    [['--version']],
    [['subcloud', '--help']],
    [['subcloud', 'list', '--help']],
    [['help', 'lab', 'start']],
    [['lab', 'host', '--help']],
    [['subclod', 'list']],
    [['subcloud', 'list', '--colum', 'name']],
    // Help fields the bundle reads from the whole manifest only when asked (src/cli/bundled-manifest.ts).
    [['subcloud', 'add', '-h']],
    [['subcloud']],
  ])('dcm %j prints the same', async (args) => {
    const [bundled, oclif] = await Promise.all([runDcm(args), runFileByFile(args)])
    expect(bundled).toEqual(oclif)
  })

  it("completes the same commands, flags and values (the bundle lists plugin-help's help among its own)", async () => {
    const [bundled, oclif] = await Promise.all([
      runDcm(['autocomplete', 'bash']),
      runFileByFile(['autocomplete', 'bash']),
    ])
    expect(bundled.code).toBe(0)
    const lines = (text: string) => text.split('\n').sort()
    expect(lines(bundled.stdout)).toEqual(lines(oclif.stdout))
  })
})
