import {describe, expect, it} from '@jest/globals'

import {closest, editDistance, suggestFlag} from '../../../src/cli/suggest.js'

describe('suggestions for mistyped commands and flags', () => {
  it('counts a swapped pair of letters as one typo', () => {
    expect(editDistance('subclod', 'subcloud')).toBe(1)
    expect(editDistance('lsit', 'list')).toBe(1)
    expect(editDistance('', 'abc')).toBe(3)
  })

  it('offers the closest command only when it is close', () => {
    const ids = ['subcloud:list', 'subcloud:show', 'subcloud:delete', 'subcloud-group:list', 'lab:start']
    expect(closest('subcloud:lst', ids)).toBe('subcloud:list')
    expect(closest('subcloud:delte', ids)).toBe('subcloud:delete')
    expect(closest('frobnicate', ids)).toBeUndefined()
  })

  it('completes a truncated flag and corrects a misspelt one; hidden flags are never offered', () => {
    const flags = {
      'os-region-name': {},
      format: {},
      'bootstrap-address': {},
      'os-interface': {aliases: ['os-endpoint-type']},
      secret: {hidden: true},
    }
    expect(suggestFlag('--os-region', flags)).toBe('--os-region-name')
    expect(suggestFlag('--formt', flags)).toBe('--format')
    expect(suggestFlag('--bootstrap-adress=1', flags)).toBe('--bootstrap-address')
    expect(suggestFlag('--os-endpoint-typ', flags)).toBe('--os-endpoint-type')
    expect(suggestFlag('--secrt', flags)).toBeUndefined()
    expect(suggestFlag('--zzzzzzzz', flags)).toBeUndefined()
  })
})
