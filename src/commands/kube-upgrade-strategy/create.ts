import {strategyCreateCommand} from '../../cli/strategy-commands.js'
import {kubeUpgrade} from '../../core/api/strategies/kube-upgrade.js'

export default strategyCreateCommand(kubeUpgrade)
