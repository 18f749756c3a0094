import {strategyDeleteCommand} from '../../cli/strategy-commands.js'
import {kubeRootcaUpdate} from '../../core/api/strategies/kube-rootca-update.js'

export default strategyDeleteCommand(kubeRootcaUpdate)
