import type {StrategyDeclaration} from './declaration.js'
import {fwUpdate} from './fw-update.js'
import {kubeRootcaUpdate} from './kube-rootca-update.js'
import {kubeUpgrade} from './kube-upgrade.js'
import {prestage} from './prestage.js'
import {swDeploy} from './sw-deploy.js'

export type {CreateValues, StrategyDeclaration, StrategyOption} from './declaration.js'
export {StrategyManager} from './strategy-manager.js'
export {StrategyStepManager} from './step-manager.js'
export {StrategyOptionsManager} from './options-manager.js'
export {
  buildCreateRequest,
  checkCreateValues,
  checkGroupOptions,
  prepareCreate,
  type CreateRequest,
} from './create-request.js'
export * from './types.js'

/** The five strategy families, in `dcmanager --help` order. */
export const STRATEGY_DECLARATIONS: readonly StrategyDeclaration[] = [
  fwUpdate,
  kubeRootcaUpdate,
  kubeUpgrade,
  prestage,
  swDeploy,
]

export function declarationByFamily(family: string): StrategyDeclaration {
  const found = STRATEGY_DECLARATIONS.find((d) => d.family === family)
  if (!found) throw new Error(`no strategy family ${family}`)
  return found
}

export function declarationByType(type: string): StrategyDeclaration | undefined {
  return STRATEGY_DECLARATIONS.find((d) => d.type === type)
}
