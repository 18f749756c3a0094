import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

import {describe, expect, it} from '@jest/globals'

import {UsageError} from '../../../src/core/errors.js'
import {type Cell, formatList, formatShow, type OutputOptions} from '../../../src/core/output/index.js'
import {options} from './options.js'

/**
 * Golden outputs rendered by the Python libraries dcmanager uses (json, csv, PyYAML, prettytable + cliff's table
 * formatter), see test/fixtures/output/generate-reference.py. Every case must come out byte for byte the same, or
 * fail with the same error text.
 */
const FIXTURES = join(process.cwd(), 'test/fixtures/output')

interface Case {
  id: string
  section: string
  kind: 'list' | 'show'
  columns?: string[]
  rows?: Cell[][]
  fields?: string[]
  values?: Cell[]
  options: Partial<OutputOptions>
}

const cases = JSON.parse(readFileSync(join(FIXTURES, 'cases.json'), 'utf8')) as Case[]

function render(c: Case): string {
  const o = options(c.options)
  return c.kind === 'list' ? formatList(c.columns!, c.rows!, o) : formatShow(c.fields!, c.values!, o)
}

describe('golden outputs generated with cliff, prettytable, PyYAML, json and csv', () => {
  it('has a reference for every case', () => {
    expect(cases.length).toBeGreaterThan(50)
    for (const c of cases) {
      const found = ['out', 'err'].filter((ext) => existsSync(join(FIXTURES, 'reference', `${c.id}.${ext}`)))
      expect([c.id, found.length]).toEqual([c.id, 1])
    }
  })

  it.each(cases.map((c) => [`${c.section}: ${c.id}`, c] as const))('%s', (_name, c) => {
    const outFile = join(FIXTURES, 'reference', `${c.id}.out`)
    if (existsSync(outFile)) {
      expect(render(c)).toBe(readFileSync(outFile, 'utf8'))
    } else {
      const message = readFileSync(join(FIXTURES, 'reference', `${c.id}.err`), 'utf8').replace(/\n$/, '')
      expect(() => render(c)).toThrow(UsageError)
      expect(() => render(c)).toThrow(message)
    }
  })
})
