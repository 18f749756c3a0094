import {UsageError} from '../core/errors.js'

/**
 * An empty name or id (`dcm subcloud show ""`) would address the collection instead of one record: refused
 * before anything is sent, with upstream's wording (`Subcloud cannot be an empty value.`), as a usage error
 * (exit 2). One check for every command that takes a reference.
 */
export function requireReference(value: string | undefined, noun: string): string {
  if (value === undefined || value.trim() === '') throw new UsageError(`${noun} cannot be an empty value.`)
  return value
}
