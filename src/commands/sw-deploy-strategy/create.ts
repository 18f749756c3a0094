import {strategyCreateCommand} from '../../cli/strategy-commands.js'
import {swDeploy} from '../../core/api/strategies/sw-deploy.js'

export default strategyCreateCommand(swDeploy)
