import {type Command, CommandHelp, Help, toConfiguredId} from '@oclif/core'

import {environmentHelp} from './environment.js'

/**
 * dcm's help: examples right after the usage, and the shared flag sets (OpenStack connection, SSH, output)
 * under their headings, collapsed by default. `dcm CMD --help` (or -h) shows the command's own flags and one
 * line pointing at the rest; `dcm CMD --help --all` and `dcm help CMD` show everything. `dcm --help` ends with
 * the ENVIRONMENT section (src/cli/environment.ts). The single executable bundles this class (scripts/package.js).
 */
export const COLLAPSED_GROUPS = ['CONNECTION', 'SSH', 'OUTPUT']

/** `--help`/`-h` without `--all` on the command line: the short form. `dcm help CMD` is the long one. */
export function wantsShortHelp(argv: readonly string[]): boolean {
  const end = argv.indexOf('--')
  const options = end === -1 ? argv : argv.slice(0, end)
  return options.some((arg) => arg === '--help' || arg === '-h') && !options.includes('--all')
}

class ExamplesFirstCommandHelp extends CommandHelp {
  protected sections(): ReturnType<CommandHelp['sections']> {
    const sections = super.sections()
    const examples = sections.filter((section) => section.header === 'EXAMPLES')
    const rest = sections.filter((section) => section.header !== 'EXAMPLES')
    const usage = rest.findIndex((section) => section.header === (this.opts.usageHeader || 'USAGE'))
    return [...rest.slice(0, usage + 1), ...examples, ...rest.slice(usage + 1)]
  }
}

export default class DcmHelp extends Help {
  protected CommandHelpClass = ExamplesFirstCommandHelp

  formatCommand(command: Command.Loadable): string {
    if (!wantsShortHelp(process.argv.slice(2))) return super.formatCommand(command)
    const collapsed = Object.entries(command.flags ?? {}).filter(
      ([, flag]) => !flag.hidden && flag.helpGroup && COLLAPSED_GROUPS.includes(flag.helpGroup),
    )
    if (collapsed.length === 0) return super.formatCommand(command)
    const own = Object.fromEntries(
      Object.entries(command.flags ?? {}).filter(([name]) => !collapsed.some(([hidden]) => hidden === name)),
    )
    const groups = COLLAPSED_GROUPS.filter((group) => collapsed.some(([, flag]) => flag.helpGroup === group))
    const id = toConfiguredId(command.id, this.config)
    const pointer =
      `${groups.join(', ')} FLAGS (${collapsed.length} more, shared by many commands): ` +
      `${this.config.bin} ${id} --help --all, or ${this.config.bin} help ${id}`
    return `${super.formatCommand({...command, flags: own})}\n\n${pointer}`
  }

  protected async showRootHelp(): Promise<void> {
    await super.showRootHelp()
    this.log(this.section('ENVIRONMENT', environmentHelp()))
  }
}
