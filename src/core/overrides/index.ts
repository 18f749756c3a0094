/**
 * Override-file validation (bootstrap-overrides.md): load YAML with positions, check the schema, then the network
 * rules. Commands, `subcloud add`, the remote bootstrap and the lab use this API:
 *
 *   const loaded = loadOverrideFile(path)                       // throws UsageError (exit 2) on unreadable input
 *   const findings = await validateSubcloudOverrides(loaded, {systemControllers, existingSubclouds})
 *   const error = findingsError(findings); if (error) throw error  // errors stop, warnings never do
 */
export type {
  ExistingSubcloud,
  Finding,
  LoadedOverrides,
  Severity,
  SubcloudValidationOptions,
  SystemControllerNetwork,
} from './types.js'
export {
  loadOverrideFile,
  overridesFromValues,
  parseOverrideText,
  MAX_OVERRIDE_FILE_BYTES,
  type LoadOptions,
} from './load.js'
export {
  DEFAULT_SYSTEM_CONTROLLERS,
  prepareValidation,
  validateSubcloudOverrides,
  validateSystemControllerOverrides,
} from './validate.js'
export {findCrossFileConflicts} from './cross-file.js'
export {findingsError, formatFinding, hasErrors, sortFindings} from './findings.js'
export {positionOf} from './positions.js'
export {
  checkAddressSyntax,
  checkAddressText,
  checkNetworkText,
  parseAddressList,
  parseSubnetList,
  type ParsedAddress,
  type TypedSubnet,
} from './network-values.js'
export {existingSubcloudFromApi, existingSubcloudFromOverrides} from './existing.js'
