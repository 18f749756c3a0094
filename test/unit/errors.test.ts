import {describe, expect, it} from '@jest/globals'

import {exitCodeOf} from '../../src/cli/base-command.js'
import {
  ConnectionError,
  ExitCode,
  InterruptedError,
  OperationError,
  TimeoutError,
  UsageError,
} from '../../src/core/errors.js'
import {clearSecrets, redact, registerSecret} from '../../src/core/secrets.js'

describe('exit codes', () => {
  it('maps each typed error to the documented code', () => {
    expect(exitCodeOf(new OperationError('x'))).toBe(ExitCode.failed)
    expect(exitCodeOf(new UsageError('x'))).toBe(2)
    expect(exitCodeOf(new ConnectionError('x'))).toBe(3)
    expect(exitCodeOf(new TimeoutError('x'))).toBe(4)
    expect(exitCodeOf(new InterruptedError('x'))).toBe(130)
  })

  it('treats a prompt interrupted by Ctrl-C as 130 and unknown errors as 1', () => {
    const prompt = new Error('User force closed the prompt')
    prompt.name = 'ExitPromptError'
    expect(exitCodeOf(prompt)).toBe(130)
    expect(exitCodeOf(new Error('boom'))).toBe(1)
  })
})

describe('redact', () => {
  it('hides registered secrets and their base64 form', () => {
    clearSecrets()
    registerSecret('St8rlingX*')
    const b64 = Buffer.from('St8rlingX*').toString('base64')
    expect(redact(`password St8rlingX* and ${b64}`)).toBe('password ****** and ******')
    clearSecrets()
  })
})
