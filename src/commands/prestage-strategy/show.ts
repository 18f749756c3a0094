import {strategyShowCommand} from '../../cli/strategy-commands.js'
import {prestage} from '../../core/api/strategies/prestage.js'

export default strategyShowCommand(prestage)
