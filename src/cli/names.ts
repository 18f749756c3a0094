import {Args, Flags} from '@oclif/core'

import {UsageError} from '../core/errors.js'

/**
 * Names and ids given on the command line: an empty or blank one is refused before anything is sent (an empty
 * path segment would read the whole collection, `subcloud show ""` would "succeed" with nothing). One check for
 * every argument and flag that names something, in upstream's words: `Subcloud cannot be an empty value.`
 */
export function requireName(value: string, what: string): string {
  if (value.trim() === '') throw new UsageError(`${what} cannot be an empty value.`)
  return value
}

/** A required positional argument naming something (`Subcloud`, `Subcloud group`, `Host`, ...), refused when blank. */
export function nameArg(what: string, options: {description: string}) {
  return Args.custom<string>({parse: async (input) => requireName(input, what)})({
    description: options.description,
    required: true,
  })
}

/** A flag naming something (`--group`, `--name`), refused when blank. */
export function nameFlag(options: {description: string; helpGroup?: string}) {
  return Flags.custom<string>({
    description: options.description,
    helpGroup: options.helpGroup,
    parse: async (input, _context, flag) => requireName(input, `--${flag.name}`),
  })()
}

/** The same, for a flag the command cannot do without. */
export function requiredNameFlag(options: {description: string; helpGroup?: string}) {
  return Flags.custom<string>({
    description: options.description,
    helpGroup: options.helpGroup,
    required: true,
    parse: async (input, _context, flag) => requireName(input, `--${flag.name}`),
  })()
}
