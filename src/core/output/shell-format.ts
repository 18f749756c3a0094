import {pyStr} from './python-text.js'
import type {Cell} from './types.js'

/**
 * cliff's ShellFormatter (ShowOne only): `<prefix><name>="<value>"` per field, for `eval`. The name is lowercased
 * with spaces, `:` and `-` turned into `_`; in string values only `"` is escaped (as upstream: `$` and backticks
 * are not, so eval the output of trusted servers only).
 */
export function shellVariableName(column: string): string {
  return column.toLowerCase().replace(/[ :-]/g, '_')
}

export function shellOne(fields: readonly string[], values: readonly Cell[], prefix: string): string {
  let out = ''
  fields.forEach((field, i) => {
    const value = values[i]
    const text = typeof value === 'string' ? value.replace(/"/g, '\\"') : pyStr(value)
    out += `${prefix}${shellVariableName(field)}="${text}"\n`
  })
  return out
}
