/**
 * JSON Schema check of override files (schemas/*.schema.json, draft 2020-12). ajv is imported and the schemas
 * compiled on first use only, once per process: `dcm --version` never pays for it, and 1,000 files share one
 * compiled validator.
 */
import {readFileSync} from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

import type {ErrorObject, ValidateFunction} from 'ajv'

export type SchemaKind = 'subcloud' | 'system-controller'

const SCHEMA_FILES: Record<SchemaKind, string> = {
  subcloud: 'bootstrap-values.schema.json',
  'system-controller': 'system-controller-values.schema.json',
}

/** schemas/ sits at the package root: three levels above dist/lib/overrides (and src/lib/overrides in tests). */
export const schemasDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..', 'schemas')

export interface SchemaValidator {
  validate(values: unknown): ErrorObject[]
  /** The schema JSON (for the set of known keys and which keys hold networks). */
  schema: Record<string, unknown>
}

let validators: Promise<Record<SchemaKind, SchemaValidator>> | undefined

/** The compiled validators, built on first call. */
export function schemaValidators(): Promise<Record<SchemaKind, SchemaValidator>> {
  validators ??= compileAll()
  return validators
}

export function readSchema(kind: SchemaKind): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(schemasDir, SCHEMA_FILES[kind]), 'utf8')) as Record<string, unknown>
}

async function compileAll(): Promise<Record<SchemaKind, SchemaValidator>> {
  const [{Ajv2020}, formats] = await Promise.all([import('ajv/dist/2020.js'), import('ajv-formats')])
  // strict mode would turn on strictRequired, which rejects the conditional `required` lists of the key groups.
  const ajv = new Ajv2020({allErrors: true, allowUnionTypes: true, strict: false})
  const addFormats = (formats as unknown as {default: (ajv: unknown, list: string[]) => void}).default
  addFormats(ajv, ['ipv4', 'ipv6'])
  const subcloud = readSchema('subcloud')
  const systemController = readSchema('system-controller')
  ajv.addSchema(subcloud)
  const wrap = (schema: Record<string, unknown>, fn: ValidateFunction): SchemaValidator => ({
    schema,
    validate: (values) => (fn(values) ? [] : [...(fn.errors ?? [])]),
  })
  return {
    subcloud: wrap(subcloud, ajv.getSchema(subcloud.$id as string) as ValidateFunction),
    'system-controller': wrap(systemController, ajv.compile(systemController)),
  }
}
