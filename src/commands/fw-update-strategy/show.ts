import {strategyShowCommand} from '../../cli/strategy-commands.js'
import {fwUpdate} from '../../core/api/strategies/fw-update.js'

export default strategyShowCommand(fwUpdate)
