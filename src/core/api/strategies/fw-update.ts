import type {StrategyDeclaration} from './declaration.js'

/** `fw-update-strategy`: no options of its own (orchestration.md §2.3). */
export const fwUpdate: StrategyDeclaration = {
  family: 'fw-update-strategy',
  type: 'firmware',
  endpoint: 'firmware',
  subject: 'firmware update',
  options: [],
  body: () => ({}),
}
