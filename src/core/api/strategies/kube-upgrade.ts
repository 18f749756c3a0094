import {strategyDeclaration} from '../../orchestration/strategy-types.js'
import {clientDeclaration} from './declaration.js'

/** `kube-upgrade-strategy`: `--to-version`, sent only when given (orchestration.md §2.3). */
export const kubeUpgrade = clientDeclaration(strategyDeclaration('kubernetes'), {
  subject: 'Kubernetes upgrade',
  options: [
    {name: 'to-version', kind: 'string', description: 'Specify a version other than the system controller version.'},
  ],
  body: (values) => (values['to-version'] ? {'to-version': values['to-version']} : {}),
})
