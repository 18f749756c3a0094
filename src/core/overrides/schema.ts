/**
 * JSON Schema check of override files (schemas/*.schema.json, draft 2020-12).
 *
 * Speed matters here (1,000 files in one call, and `subcloud add` startup): compiling the schemas with ajv costs
 * more than everything else a validation does. So the validators are precompiled with ajv's standalone code into
 * schemas/generated/validators.mjs, stamped with a hash of the schema files. At run time that module is used when
 * its stamp matches the schemas; otherwise (an edited schema, a missing file) ajv compiles them, once per process,
 * imported lazily so that commands which never validate never pay for it.
 */
import {createHash} from 'node:crypto'
import type {ErrorObject} from 'ajv'

import {importPackageModule, packagePath, readPackageFile} from '../package-files.js'

export type SchemaKind = 'subcloud' | 'system-controller' | 'install-values'

const SCHEMA_FILES: Record<SchemaKind, string> = {
  subcloud: 'bootstrap-values.schema.json',
  'system-controller': 'system-controller-values.schema.json',
  'install-values': 'install-values.schema.json',
}

/** The export name of each validator in the generated module (an identifier). */
const EXPORT_NAMES: Record<SchemaKind, string> = {
  subcloud: 'subcloud',
  'system-controller': 'systemController',
  'install-values': 'installValues',
}

const SCHEMA_KINDS = Object.keys(SCHEMA_FILES) as SchemaKind[]

/** The precompiled validators, relative to the package root (embedded in the single executable). */
const GENERATED_VALIDATORS = 'schemas/generated/validators.mjs'
export const generatedValidatorsFile = packagePath(GENERATED_VALIDATORS)

export interface SchemaValidator {
  validate(values: unknown): ErrorObject[]
  /** The schema JSON (for the set of known keys and which keys hold networks). */
  schema: Record<string, unknown>
}

/** The shape of an ajv validate function, compiled or standalone. */
type ValidateFunction = ((data: unknown) => boolean) & {errors?: ErrorObject[] | null}

let validators: Promise<Record<SchemaKind, SchemaValidator>> | undefined
let origin: 'generated' | 'compiled' | undefined

/** Where the validators in use came from (after the first validation): the precompiled module or ajv at run time. */
export async function validatorOrigin(): Promise<'generated' | 'compiled'> {
  await schemaValidators()
  return origin as 'generated' | 'compiled'
}

/** The validators, loaded (or compiled) on first call. */
export function schemaValidators(): Promise<Record<SchemaKind, SchemaValidator>> {
  validators ??= load()
  return validators
}

export function readSchemaText(kind: SchemaKind): string {
  return readPackageFile(`schemas/${SCHEMA_FILES[kind]}`)
}

/** The stamp the generated module must carry: a hash of every schema file. */
export function schemaStamp(texts: Record<SchemaKind, string> = readTexts()): string {
  const hash = createHash('sha256')
  for (const kind of SCHEMA_KINDS) hash.update(texts[kind]).update('\0')
  return hash.digest('hex').slice(0, 16)
}

function readTexts(): Record<SchemaKind, string> {
  return byKind((kind) => readSchemaText(kind))
}

function byKind<T>(make: (kind: SchemaKind) => T): Record<SchemaKind, T> {
  return Object.fromEntries(SCHEMA_KINDS.map((kind) => [kind, make(kind)])) as Record<SchemaKind, T>
}

async function load(): Promise<Record<SchemaKind, SchemaValidator>> {
  const texts = readTexts()
  const schemas = byKind((kind) => JSON.parse(texts[kind]) as Record<string, unknown>)
  const generated = await loadGenerated(schemaStamp(texts))
  origin = generated ? 'generated' : 'compiled'
  const functions = generated ?? (await compile(schemas))
  return byKind((kind) => ({
    schema: schemas[kind],
    validate: (values) => (functions[kind](values) ? [] : [...(functions[kind].errors ?? [])]),
  }))
}

async function loadGenerated(stamp: string): Promise<Record<SchemaKind, ValidateFunction> | undefined> {
  try {
    const generated = await importPackageModule<Record<string, unknown>>(GENERATED_VALIDATORS)
    if (generated.stamp !== stamp) return undefined
    const functions = byKind((kind) => generated[EXPORT_NAMES[kind]] as ValidateFunction | undefined)
    return SCHEMA_KINDS.every((kind) => typeof functions[kind] === 'function')
      ? (functions as Record<SchemaKind, ValidateFunction>)
      : undefined
  } catch {
    return undefined
  }
}

/** ajv options shared by the run-time compile and the standalone generator: they must produce the same errors. */
async function newAjv(code?: {source: boolean; esm: boolean}) {
  const [{Ajv2020}, formats] = await Promise.all([import('ajv/dist/2020.js'), import('ajv-formats')])
  // strict mode would turn on strictRequired, which rejects the conditional `required` lists of the key groups.
  const ajv = new Ajv2020({allErrors: true, allowUnionTypes: true, strict: false, ...(code ? {code} : {})})
  const addFormats = (formats as unknown as {default: (ajv: unknown, list: string[]) => void}).default
  addFormats(ajv, ['ipv4', 'ipv6'])
  return ajv
}

async function compile(
  schemas: Record<SchemaKind, Record<string, unknown>>,
): Promise<Record<SchemaKind, ValidateFunction>> {
  const ajv = await newAjv()
  // The system-controller schema refers to the subcloud one by $id: register every schema before compiling.
  for (const kind of SCHEMA_KINDS) ajv.addSchema(schemas[kind])
  return byKind((kind) => ajv.getSchema(schemas[kind].$id as string) as ValidateFunction)
}

/**
 * The source of schemas/generated/validators.mjs (ajv standalone code, ESM). Written by the schema-codegen test
 * with DCM_REGENERATE_VALIDATORS=1; the same test fails when the committed file is stale.
 */
export async function generateValidatorsModule(): Promise<string> {
  const texts = readTexts()
  const schemas = byKind((kind) => JSON.parse(texts[kind]) as Record<string, unknown>)
  const ajv = await newAjv({source: true, esm: true})
  for (const kind of SCHEMA_KINDS) ajv.addSchema(schemas[kind])
  const {default: standaloneCode} = await import('ajv/dist/standalone/index.js')
  const code = (standaloneCode as unknown as (ajv: unknown, refs: Record<string, string>) => string)(
    ajv,
    Object.fromEntries(SCHEMA_KINDS.map((kind) => [EXPORT_NAMES[kind], schemas[kind].$id as string])),
  )
  // ajv's ESM output still `require`s its runtime helpers; an ES module must import them.
  const runtime = new Map<string, string>()
  const body = code
    .replace(/^"use strict";/, '')
    .replace(/require\("(ajv\/dist\/runtime\/[\w-]+)"\)/g, (_, module: string) => {
      const name = `runtime${runtime.size}`
      if (![...runtime.values()].includes(module)) runtime.set(name, module)
      return [...runtime.entries()].find(([, value]) => value === module)![0]
    })
  const imports = [...runtime.entries()].map(([name, module]) => `import ${name} from "${module}.js";`).join('\n')
  return [
    `// GENERATED by src/core/overrides/schema.ts generateValidatorsModule() from ${SCHEMA_KINDS.map((kind) => SCHEMA_FILES[kind]).join(', ')}`,
    '// (ajv standalone). Do not edit: regenerate with',
    '//   DCM_REGENERATE_VALIDATORS=1 NODE_OPTIONS=--experimental-vm-modules npx jest test/unit/overrides/schema-codegen.test.ts',
    imports,
    `export const stamp = ${JSON.stringify(schemaStamp(texts))};`,
    body,
    '',
  ].join('\n')
}
