import {Args} from '@oclif/core'

import {UsageError} from '../core/errors.js'

/**
 * A peer group association's id: associations have no name, and the server refuses anything but an integer
 * ("Peer Group Association ID must be an integer"); dcm says so before sending (exit 2).
 */
export function associationIdArg(description: string) {
  return Args.custom<string>({
    parse: async (input) => {
      if (!/^\s*\d+\s*$/.test(input)) throw new UsageError('Peer Group Association ID must be an integer')
      return input.trim()
    },
  })({description, required: true})
}
