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
  // With spaces between topic and command, oclif reads words after a command that takes no argument as more of
  // its name (`subcloud restore x` -> subcloud:restore:x): that is a real command given an argument it does not
  // take, said as for one that takes fewer arguments (upstream: argparse's "unrecognized arguments", Q10).
  const words = options.id.split(':')
  for (let length = words.length - 1; length > 0; length--) {
    const command = words.slice(0, length).join(':')
    if (!options.config.findCommand(command)) continue
    process.stderr.write(`Error: Unexpected argument: ${words.slice(length).join(' ')}\n`)
    process.stderr.write(`Hint: see '${options.config.bin} ${toConfiguredId(command, options.config)} --help'\n`)
    this.exit(ExitCode.usage)
  }
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
