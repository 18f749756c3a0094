import {type Hook, toConfiguredId} from '@oclif/core'

import {ExitCode} from '../../core/errors.js'
import {closest} from '../suggest.js'

/**
 * An unknown command is a usage error (exit 2) with one suggestion, on a terminal or not. Unlike
 * @oclif/plugin-not-found, it never offers to run the suggestion: `dcm subcloud delte` must not become a delete.
 */
const hook: Hook.CommandNotFound = async function (options) {
  const ids = options.config.commands.filter((command) => !command.hidden).map((command) => command.id)
  const typed = toConfiguredId(options.id, options.config)
  const suggestion = closest(options.id, ids)
  const topic = options.config.findTopic(options.id.split(':')[0]) ? ` ${options.id.split(':')[0]}` : ''
  process.stderr.write(`Error: ${typed} is not a ${options.config.bin} command\n`)
  process.stderr.write(
    suggestion
      ? `Hint: did you mean "${options.config.bin} ${toConfiguredId(suggestion, options.config)}"? (${options.config.bin} help${topic} lists them)\n`
      : `Hint: ${options.config.bin} help${topic} lists the commands\n`,
  )
  this.exit(ExitCode.usage)
}

export default hook
