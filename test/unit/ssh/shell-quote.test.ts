import {describe, expect, test} from '@jest/globals'
import {execFileSync} from 'node:child_process'
import fc from 'fast-check'

import {shellCommand, shellQuote} from '../../../src/core/ssh/shell-quote.js'

/** Every character a POSIX shell treats specially, plus ordinary and non-ASCII ones. */
const SHELL_SPECIALS = [...'aZ09 \'"$`\\*?;&|<>(){}[]#~!=%^,.:/-\n\té€']

describe('shellQuote', () => {
  test('plain words stay readable; everything else is single-quoted', () => {
    expect(shellQuote('/usr/share/ansible/stx-ansible/playbooks/bootstrap.yml')).toBe(
      '/usr/share/ansible/stx-ansible/playbooks/bootstrap.yml',
    )
    expect(shellQuote('')).toBe("''")
    expect(shellQuote("it's $HOME `x`")).toBe(`'it'\\''s $HOME \`x\`'`)
    expect(shellCommand(['echo', 'a b', '*'])).toBe("echo 'a b' '*'")
  })

  test('a real POSIX shell gets back exactly the original string (property)', () => {
    fc.assert(
      fc.property(fc.string({unit: fc.constantFrom(...SHELL_SPECIALS), maxLength: 40}), (value) => {
        const out = execFileSync('/bin/sh', ['-c', `printf %s ${shellQuote(value)}`], {encoding: 'utf8'})
        return out === value
      }),
      {numRuns: 60},
    )
  })
})
