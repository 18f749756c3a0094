import {afterAll, describe, expect, it} from '@jest/globals'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import fc from 'fast-check'
import {stringify} from 'yaml'

import {UsageError} from '../../../src/core/errors.js'
import {validateBackupValuesFile} from '../../../src/core/overrides/backup-values.js'

/** The offline checks of --backup-values / --restore-values (subcloud-lifecycle.md §5.1, §5.4). */
const dir = mkdtempSync(path.join(os.tmpdir(), 'dcm-backup-values-'))
afterAll(() => rmSync(dir, {recursive: true, force: true}))
let count = 0
const write = (text: string) => {
  const file = path.join(dir, `v${count++}.yml`)
  writeFileSync(file, text)
  return file
}

describe('backup and restore values', () => {
  it('accepts playbook overrides it does not know, and well-typed keys it does', () => {
    expect(validateBackupValuesFile(write('backup_dir: /opt/b\nmax_home_dir_usage: 200\n'), 'backup_values')).toEqual(
      [],
    )
    const restore =
      'bootstrap_address:\n  sc1: 10.10.10.12\n  sc2: fd00::12\nrestore_timeout: "3600"\nwipe_ceph_osds: true\n'
    expect(validateBackupValuesFile(write(restore), 'restore_values')).toEqual([])
  })

  it('names each bad address at its line', () => {
    const findings = validateBackupValuesFile(
      write('bootstrap_address:\n  sc1: 10.10.10.12\n  sc2: " 10.0.0.1"\n  sc3: [1]\n'),
      'restore_values',
    )
    expect(findings.map((f) => [f.line, f.key, f.message])).toEqual([
      [3, 'bootstrap_address.sc2', 'Subcloud sc2 must have a valid bootstrap address:  10.0.0.1'],
      [4, 'bootstrap_address.sc3', 'Subcloud sc3 must have a valid bootstrap address: [1]'],
    ])
  })

  it('never throws anything but a UsageError, whatever the file holds', () => {
    const value = fc.oneof(
      fc.string(),
      fc.integer(),
      fc.double(),
      fc.boolean(),
      fc.constant(null),
      fc.array(fc.string(), {maxLength: 3}),
      fc.dictionary(fc.string({maxLength: 6}), fc.oneof(fc.string(), fc.integer(), fc.constant(null)), {maxKeys: 3}),
    )
    const document = fc.oneof(
      fc
        .dictionary(fc.constantFrom('bootstrap_address', 'restore_timeout', 'max_home_dir_usage', 'other'), value)
        .map((values) => stringify(values)),
      fc.string(),
    )
    fc.assert(
      fc.property(document, fc.constantFrom('backup_values', 'restore_values' as const), (text, kind) => {
        const file = write(text)
        try {
          for (const finding of validateBackupValuesFile(file, kind)) expect(finding.line).toBeGreaterThan(0)
        } catch (error) {
          expect(error).toBeInstanceOf(UsageError)
        }
      }),
      {numRuns: 200},
    )
  })
})
