import {strategyCreateCommand} from '../../cli/strategy-commands.js'
import {kubeRootcaUpdate} from '../../core/api/strategies/kube-rootca-update.js'

export default strategyCreateCommand(kubeRootcaUpdate)
