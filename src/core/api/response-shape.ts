import {OperationError} from '../errors.js'

/**
 * Valid JSON of the wrong shape (null, an object where a list belongs, an empty 200) must not reach the user as
 * "Cannot read properties of null": each client checks what it got at its boundary and fails with one line naming
 * the endpoint and what was expected. Only the shape the caller relies on is checked, not every field.
 */
export type JsonObject = Record<string, unknown>

export function describeJson(value: unknown): string {
  if (value === undefined) return 'an empty body'
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'a list'
  if (typeof value === 'object') return 'an object'
  return `a ${typeof value}`
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function wrongShape(endpoint: string, status: number, got: string, expected: string): OperationError {
  return new OperationError(
    `${endpoint}: the server answered HTTP ${status} with ${got} where ${expected} was expected`,
    {
      hint: 'the service is not the API dcm expects (check the URL) or it is failing; --debug shows the answer',
    },
  )
}

/** An object, e.g. one subcloud; `required` names fields that must be present (not null). */
export function expectObject<T>(value: unknown, endpoint: string, status: number, required: string[] = []): T {
  if (!isJsonObject(value)) throw wrongShape(endpoint, status, describeJson(value), 'an object')
  const missing = required.filter((field) => value[field] === undefined || value[field] === null)
  if (missing.length > 0)
    throw wrongShape(endpoint, status, `an object without ${missing.map((f) => `"${f}"`).join(', ')}`, 'a full record')
  return value as T
}

/** `{"<key>": [ {...}, ... ]}`: the list of objects under `key`. */
export function expectList<T>(value: unknown, key: string, endpoint: string, status: number): T[] {
  const expected = `an object with a list "${key}"`
  if (!isJsonObject(value)) throw wrongShape(endpoint, status, describeJson(value), expected)
  const list = value[key]
  if (!Array.isArray(list))
    throw wrongShape(
      endpoint,
      status,
      list === undefined ? `an object without "${key}"` : `"${key}" as ${describeJson(list)}`,
      expected,
    )
  const bad = list.findIndex((item) => !isJsonObject(item))
  if (bad >= 0) throw wrongShape(endpoint, status, `item ${bad} of "${key}" as ${describeJson(list[bad])}`, 'objects')
  return list as T[]
}
