import {describe, expect, test} from '@jest/globals'

import {describeParseError, isParseErrorText} from '../../src/cli/parse-errors.js'

describe("oclif's parse errors as whole lines", () => {
  test('missing arguments: each named with its description, the note dropped', () => {
    const text =
      'Missing 2 required args:\nhost  hostname, id or uuid of the host\nifname  name or uuid of the interface\n\nNote: --column allows multiple values. Because of this you need to provide all arguments before providing that flag.\nAlternatively, you can use "--" to signify the end of the flags and the beginning of arguments.\nSee more help with --help'
    expect(isParseErrorText(text)).toBe(true)
    expect(describeParseError(text).lines).toEqual([
      'Missing required argument host (hostname, id or uuid of the host)',
      'Missing required argument ifname (name or uuid of the interface)',
    ])
  })

  test('"The following errors occurred": one line per problem', () => {
    const text =
      'The following errors occurred:\n  --interface=x cannot also be provided when using --undo\n  Missing required flag bootstrap-values\nSee more help with --help'
    expect(describeParseError(text).lines).toEqual([
      '--interface=x cannot also be provided when using --undo',
      'Missing required flag bootstrap-values',
    ])
  })

  test('a flag that does not parse: the flag and the reason on one line', () => {
    expect(
      describeParseError('Parsing --port \n\tExpected an integer but received: x\nSee more help with --help').lines,
    ).toEqual(['--port: Expected an integer but received: x'])
    expect(
      describeParseError("Parsing --timeout \n\t--timeout must be a whole number, not 'x'\nSee more help with --help")
        .lines,
    ).toEqual(["--timeout must be a whole number, not 'x'"])
  })

  test('other messages keep their text', () => {
    expect(describeParseError('Nonexistent flag: --bogus\nSee more help with --help').lines).toEqual([
      'Nonexistent flag: --bogus',
    ])
  })
})
