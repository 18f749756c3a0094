import {afterEach, describe, expect, it} from '@jest/globals'

import {listerFlags, outputOptionsFrom, showFlags} from '../../../src/cli/output-flags.js'

const stdout = process.stdout as NodeJS.WriteStream & {isTTY?: boolean}
const tty = {isTTY: stdout.isTTY, columns: stdout.columns}

afterEach(() => {
  stdout.isTTY = tty.isTTY
  stdout.columns = tty.columns
})

describe('output flags (cliff "output formatters" group, dcmanager-api.md §5.1)', () => {
  it('offers the formatters cliff registers for Lister and ShowOne commands, table by default', () => {
    expect(listerFlags.format.options).toEqual(['csv', 'json', 'table', 'value', 'yaml'])
    expect(showFlags.format.options).toEqual(['json', 'shell', 'table', 'value', 'yaml'])
    expect([listerFlags.format.default, showFlags.format.default]).toEqual(['table', 'table'])
    expect(listerFlags.quote.options).toEqual(['all', 'minimal', 'none', 'nonnumeric'])
    expect(listerFlags.quote.default).toBe('nonnumeric')
    expect([listerFlags['max-width'].env, listerFlags['fit-width'].env]).toEqual([
      'CLIFF_MAX_TERM_WIDTH',
      'CLIFF_FIT_WIDTH',
    ])
  })

  it('maps parsed flags to renderer options, with cliff defaults for what is absent', () => {
    stdout.isTTY = false
    expect(outputOptionsFrom({})).toEqual({
      format: 'table',
      columns: [],
      noindent: false,
      maxWidth: 0,
      fitWidth: false,
      printEmpty: false,
      quote: 'nonnumeric',
      prefix: '',
      sortColumns: [],
      sortDescending: false,
      terminalWidth: undefined,
    })
    expect(
      outputOptionsFrom({
        format: 'csv',
        column: ['name'],
        quote: 'all',
        'sort-column': ['id'],
        'sort-descending': true,
      }),
    ).toMatchObject({format: 'csv', columns: ['name'], quote: 'all', sortColumns: ['id'], sortDescending: true})
  })

  it('passes the terminal width only when stdout is a TTY (cliff fits tables to a terminal, never to a pipe)', () => {
    stdout.isTTY = true
    stdout.columns = 93
    expect(outputOptionsFrom({}).terminalWidth).toBe(93)
    stdout.isTTY = false
    expect(outputOptionsFrom({}).terminalWidth).toBeUndefined()
  })
})
