import {Args, type Command, Flags} from '@oclif/core'

import {BaseCommand, EXIT_CODES_HELP} from '../cli/base-command.js'
import {bashScript, SUBCLOUD_NAMES_FLAG, zshScript} from '../core/completion/shell-script.js'
import type {CompletionCommand} from '../core/completion/spec.js'

export default class Autocomplete extends BaseCommand<typeof Autocomplete> {
  static summary = 'Print the bash or zsh completion script of dcm.'
  static description = `Completes commands, flags and flag values (-f formats and every flag with a fixed set of values) and,
for commands that take a subcloud, the subcloud names of the System Controller: these come from the dcmanager API
only when dcm holds a cached token for the current OS_* settings (so never a login or a prompt) and give up after
1.5 s. The Debian package installs both scripts.

Setup, without the package:
  bash: dcm autocomplete bash > ~/.local/share/bash-completion/completions/dcm
  zsh:  dcm autocomplete zsh > "\${fpath[1]}/_dcm"   (then start a new shell)

${EXIT_CODES_HELP}`
  static examples = [
    '<%= config.bin %> autocomplete bash > ~/.local/share/bash-completion/completions/dcm',
    'eval "$(<%= config.bin %> autocomplete bash)"',
  ]
  static enableJsonFlag = false
  static args = {
    shell: Args.string({description: 'shell to print the script for', options: ['bash', 'zsh']}),
  }
  static flags = {
    [SUBCLOUD_NAMES_FLAG.slice(2)]: Flags.boolean({
      description: 'print subcloud names from a cached token (used by the scripts)',
      hidden: true,
    }),
  }

  async run() {
    if (this.flags[SUBCLOUD_NAMES_FLAG.slice(2)]) {
      const {subcloudNamesFromCache} = await import('../core/completion/subcloud-names.js')
      for (const name of await subcloudNamesFromCache(process.env, undefined, this.debugLine)) this.log(name)
      return
    }
    const shell = this.args.shell ?? (process.env.SHELL?.endsWith('zsh') ? 'zsh' : 'bash')
    const commands = completionCommands(this.config.commands, this.config.topicSeparator)
    process.stdout.write(
      shell === 'zsh' ? zshScript(commands, this.config.version) : bashScript(commands, this.config.version),
    )
  }
}

/** The completion spec of oclif's loaded commands (the manifest's data: flags, chars, options, args). */
function completionCommands(commands: Command.Loadable[], separator: string): CompletionCommand[] {
  return commands
    .filter((command) => !command.hidden)
    .map((command) => {
      const flags = Object.values(command.flags)
        .filter((flag) => !flag.hidden)
        .map((flag) => ({
          name: flag.name,
          char: flag.char,
          takesValue: flag.type === 'option',
          values: flag.type === 'option' && flag.options ? [...flag.options] : undefined,
        }))
      const subcloudNames = 'subcloud' in command.args || flags.some((flag) => flag.name === 'subcloud')
      return {words: command.id.split(':').join(separator === ':' ? ' ' : separator), flags, subcloudNames}
    })
}
