import {describe, expect, test} from '@jest/globals'

import {escapeControl, escapeControlInText, escapeControlKeepNewlines} from '../../../src/core/output/control-chars.js'

describe('control characters made visible', () => {
  test('normal text is returned as is (the same string)', () => {
    const text = 'subcloud1 ünïcode 日本 tab\there'
    expect(escapeControl(text)).toBe(text)
    expect(escapeControlKeepNewlines('a\nb')).toBe('a\nb')
  })

  test('ESC, NUL, BEL, DEL, C1 and line separators', () => {
    expect(escapeControl('\u001b[31mred\u0000\u0007\u007f\u009b\u2028')).toBe('\\e[31mred\\0\\x07\\x7f\\x9b\\u2028')
  })

  test('one-line output escapes newlines and CR; tables keep them for the table layer', () => {
    expect(escapeControl('a\nError: forged\rb')).toBe('a\\nError: forged\\rb')
    expect(escapeControlKeepNewlines('a\nb\rc\u001b')).toBe('a\nb\rc\\e')
  })

  test('multi-line text keeps its lines, CRLF read as LF, a lone CR shown', () => {
    expect(escapeControlInText('line1\r\nline2\rover\u001b[2J')).toBe('line1\nline2\\rover\\e[2J')
  })
})
