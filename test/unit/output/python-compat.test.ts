import {readFileSync} from 'node:fs'
import {join} from 'node:path'

import {describe, expect, it} from '@jest/globals'

import {codePointWidth, displayWidth} from '../../../src/core/output/display-width.js'
import {
  compareCodePoints,
  pyFloatRepr,
  pyListRepr,
  pyRepr,
  pyStr,
  pyTupleRepr,
} from '../../../src/core/output/python-text.js'
import {fill} from '../../../src/core/output/text-wrap.js'

/** The Python primitives every formatter relies on, checked against values Python itself produced. */
const reference = JSON.parse(
  readFileSync(join(process.cwd(), 'test/fixtures/output/python-reference.json'), 'utf8'),
) as {
  textwrapFill: [string, number, string][]
  floatRepr: [number, string][]
  strRepr: [string, string][]
}

describe('repr(float) (value, csv, table and json cells)', () => {
  it.each(reference.floatRepr.map(([x, r]) => [r, x] as const))('%s', (expected, x) => {
    expect(pyFloatRepr(x)).toBe(expected)
  })

  it('nan and infinities', () => {
    expect([pyFloatRepr(NaN), pyFloatRepr(Infinity), pyFloatRepr(-Infinity)]).toEqual(['nan', 'inf', '-inf'])
  })
})

describe('str() of cells', () => {
  it('None, booleans, ints (never in exponent form), floats, strings', () => {
    expect([null, undefined, true, false, 0, -7, 2 ** 70, 2.5, 'x'].map(pyStr)).toEqual([
      'None',
      'None',
      'True',
      'False',
      '0',
      '-7',
      '1180591620717411303424',
      '2.5',
      'x',
    ])
  })
})

describe('repr(str) (the -c error message)', () => {
  it.each(reference.strRepr)('%j', (text, expected) => {
    expect(pyRepr(text)).toBe(expected)
  })

  it('lists and tuples as str() prints them', () => {
    expect(pyListRepr(['x', "it's"])).toBe(`['x', "it's"]`)
    expect(pyTupleRepr(['id'])).toBe("('id',)")
    expect(pyTupleRepr(['id', 'name'])).toBe("('id', 'name')")
    expect(pyTupleRepr([])).toBe('()')
  })
})

describe('textwrap.fill (cells wider than a fitted column)', () => {
  it.each(reference.textwrapFill.map(([text, width, out], i) => [i, width, text, out] as const))(
    'case %i, width %i',
    (_i, width, text, expected) => {
      expect(fill(text, width)).toBe(expected)
    },
  )

  it('rejects a width below 1 like Python', () => {
    expect(() => fill('x', 0)).toThrow(RangeError)
  })
})

describe('code point ordering (sort)', () => {
  it('orders astral characters after U+E000..U+FFFF, as Python does', () => {
    expect(compareCodePoints('\u{1F600}', '\uFFFD')).toBeGreaterThan(0)
    expect(compareCodePoints('\uFFFD', '\u{1F600}')).toBeLessThan(0)
    expect(compareCodePoints('a', 'ab')).toBeLessThan(0)
    expect(compareCodePoints('B', 'a')).toBeLessThan(0)
    expect(compareCodePoints('same', 'same')).toBe(0)
  })
})

describe('display width (wcwidth.wcswidth, as prettytable measures)', () => {
  it.each([
    ['', 0],
    ['subcloud1', 9],
    ['東京', 4],
    ['ｆｕｌｌ', 8],
    ['서울', 4],
    ['cafe\u0301', 4],
    ['\u200bzero', 4],
    ['\x1b[31mred\x1b[0m', 3],
    ['\x1b(Bx', 1],
    ['👍\u200d👍', 2],
    ['😀', 2],
    ['tab\there', -1],
    ['bell\x07', -1],
    ['\x1b[2Jclear', -1],
  ])('%j is %i cells', (text, width) => {
    expect(displayWidth(text)).toBe(width)
  })

  it('per code point: control -1, NUL and combining 0, wide 2, other 1', () => {
    expect([0x0, 0x7, 0x7f, 0x9f, 0x300, 0x1160, 0x41, 0xe9, 0x4e00, 0x1f600, 0x20000].map(codePointWidth)).toEqual([
      0, -1, -1, -1, 0, 0, 1, 1, 2, 2, 2,
    ])
  })
})
