import {isUuid} from './geo-tables.js'

/**
 * The value checks upstream's geo-redundancy controllers share, with Python's semantics where they show:
 * `int(value)` (a ValueError is "invalid", any other exception an unhandled 500), `validate_name` (no digits-only
 * names, no regular-expression characters, at most 255 characters, a prohibited list compared case-insensitively).
 */

/** An exception upstream does not catch: the service answers 500 with an empty body. */
export class UnhandledServerError extends Error {}

/** Python's `int(value)`: undefined on ValueError; throws on TypeError (None, lists, dicts). */
export function pythonInt(value: unknown): number | undefined {
  if (typeof value === 'boolean') return value ? 1 : 0
  if (typeof value === 'number') return Number.isFinite(value) ? Math.trunc(value) : undefined
  if (typeof value === 'string') {
    const text = value.trim().replace(/_/g, '')
    return /^[-+]?\d+$/.test(text) ? Number(text) : undefined
  }
  throw new UnhandledServerError(`int() argument must be a string or a number, not ${typeof value}`)
}

/** `pythonInt` within [min, max]; false on a ValueError or out of range. */
export function intInRange(value: unknown, min: number, max: number): boolean {
  const number = pythonInt(value)
  return number !== undefined && number >= min && number <= max
}

const REGEX_CHARACTERS = new Set('.*+?|()[]{}^$')

/** dcmanager's `utils.validate_name`. */
export function validateName(name: unknown, prohibited: string[] = []): boolean {
  if (name === null || name === undefined || name === '' || name === false || name === 0) return false
  if (typeof name !== 'string') throw new UnhandledServerError('name is not a string')
  if (/^\d+$/.test(name)) return false
  if (name.length > 255) return false
  if ([...name].some((character) => REGEX_CHARACTERS.has(character))) return false
  return !prohibited.map((item) => item.toLowerCase()).includes(name.toLowerCase())
}

/** Python's truthiness of a JSON value. */
export function truthy(value: unknown): boolean {
  if (value === null || value === undefined || value === false || value === 0 || value === '') return false
  if (Array.isArray(value)) return value.length > 0
  if (typeof value === 'object') return Object.keys(value).length > 0
  return true
}

/** `uuid.UUID(str(value))` succeeds. */
export function isUuidValue(value: unknown): boolean {
  return value !== null && value !== undefined && isUuid(String(value))
}
