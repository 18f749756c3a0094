import {strategyDeclaration} from '../../orchestration/strategy-types.js'
import {clientDeclaration} from './declaration.js'

/** `fw-update-strategy`: no options of its own (orchestration.md §2.3). */
export const fwUpdate = clientDeclaration(strategyDeclaration('firmware'), {
  subject: 'firmware update',
  options: [],
  body: () => ({}),
})
