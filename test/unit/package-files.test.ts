import {readFileSync} from 'node:fs'
import path from 'node:path'

import {describe, expect, it} from '@jest/globals'

import {
  importPackageModule,
  packagePath,
  readPackageFile,
  registerEmbeddedModule,
  runningAsSingleExecutable,
} from '../../src/core/package-files.js'
import {repoRoot} from '../helpers/cli.js'

/** Outside the single executable, package files are the files under the package root (the binary: e2e test). */
describe('package files', () => {
  it('reads shipped files from the package root when not a single executable', () => {
    expect(runningAsSingleExecutable).toBe(false)
    expect(packagePath('schemas')).toBe(path.join(repoRoot, 'schemas'))
    const schema = 'schemas/bootstrap-values.schema.json'
    expect(readPackageFile(schema)).toBe(readFileSync(path.join(repoRoot, schema), 'utf8'))
  })

  it('imports a shipped module from its file, or from the registered loader, called on first use only', async () => {
    const fromFile = await importPackageModule<{stamp: string}>('schemas/generated/validators.mjs')
    expect(fromFile.stamp).toMatch(/^[0-9a-f]{16}$/)
    let loads = 0
    registerEmbeddedModule('generated/example.mjs', () => {
      loads++
      return {answer: 42}
    })
    expect(loads).toBe(0)
    expect(await importPackageModule<{answer: number}>('generated/example.mjs')).toEqual({answer: 42})
    expect(loads).toBe(1)
  })
})
