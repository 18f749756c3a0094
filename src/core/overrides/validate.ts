/**
 * The validation entry points: schema first, then the semantic rules on whatever the schema did not already refuse,
 * so one mistake gives one line. Async only because ajv is imported and compiled on first use.
 */
import {schemaFindings} from './schema-messages.js'
import {schemaValidators, type SchemaKind} from './schema.js'
import {RuleContext} from './rule-context.js'
import {subcloudRules} from './subcloud-rules.js'
import {systemControllerRules} from './system-controller-rules.js'
import type {Finding, LoadedOverrides, SubcloudValidationOptions, SystemControllerNetwork} from './types.js'

/** StarlingX's own System Controller defaults, as test/fixtures/examples/bootstrap/README.md assumes. */
export const DEFAULT_SYSTEM_CONTROLLERS: readonly SystemControllerNetwork[] = Object.freeze([
  {managementSubnet: '192.168.204.0/24', poolStart: '192.168.204.2', poolEnd: '192.168.204.50'},
  {managementSubnet: 'fd00:204::/64', poolStart: 'fd00:204::2', poolEnd: 'fd00:204::50'},
])

/** Every finding for one subcloud bootstrap-values file. Never throws on any parsed document. */
export async function validateSubcloudOverrides(
  loaded: LoadedOverrides,
  options: SubcloudValidationOptions = {},
): Promise<Finding[]> {
  const {context, knownKeys} = await schemaPass(loaded, 'subcloud')
  subcloudRules(context, {
    systemControllers: [...(options.systemControllers ?? DEFAULT_SYSTEM_CONTROLLERS)],
    existingSubclouds: options.existingSubclouds ?? [],
    bootstrapAddress: options.bootstrapAddress,
    regionOneName: options.regionOneName ?? 'RegionOne',
    knownKeys,
  })
  return [...loaded.loadFindings, ...context.findings]
}

/** Every finding for a System Controller's own bootstrap overrides (localhost.yml). */
export async function validateSystemControllerOverrides(loaded: LoadedOverrides): Promise<Finding[]> {
  const {context, knownKeys} = await schemaPass(loaded, 'system-controller')
  systemControllerRules(context, knownKeys)
  return [...loaded.loadFindings, ...context.findings]
}

/** Compile the schemas now (a command about to validate many files may want the cost up front). */
export async function prepareValidation(): Promise<void> {
  await schemaValidators()
}

const knownKeyCache = new Map<SchemaKind, ReadonlySet<string>>()

async function schemaPass(loaded: LoadedOverrides, kind: SchemaKind) {
  const validator = (await schemaValidators())[kind]
  const errors = validator.validate(loaded.values)
  const findings = schemaFindings(loaded, errors)
  const broken = new Set(findings.map((finding) => finding.key.split('.')[0]))
  const context = new RuleContext(loaded, broken)
  context.findings.push(...findings)
  let knownKeys = knownKeyCache.get(kind)
  if (!knownKeys) {
    knownKeys = new Set([
      ...schemaKeys(validator.schema),
      ...(kind === 'system-controller' ? schemaKeys((await schemaValidators()).subcloud.schema) : []),
    ])
    knownKeyCache.set(kind, knownKeys)
  }
  return {context, knownKeys}
}

/** Keys the schema describes: its own properties and the shared platform parameters. */
function schemaKeys(schema: Record<string, unknown>): string[] {
  const own = Object.keys((schema.properties as Record<string, unknown>) ?? {})
  const defs = schema.$defs as {platformParameters?: {properties?: Record<string, unknown>}} | undefined
  return [...own, ...Object.keys(defs?.platformParameters?.properties ?? {})]
}
