import {strategyShowCommand} from '../../cli/strategy-commands.js'
import {kubeUpgrade} from '../../core/api/strategies/kube-upgrade.js'

export default strategyShowCommand(kubeUpgrade)
