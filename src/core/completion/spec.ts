/**
 * What shell completion knows about dcm, as plain data: the commands (space-separated words, as typed), their flags
 * and the values a flag accepts. The `autocomplete` command builds it from oclif's loaded commands, so a new
 * command, flag or `options` list is completed without touching the scripts.
 */
export interface CompletionFlag {
  /** `--name` */
  name: string
  /** `-c` */
  char?: string
  /** The next word is the flag's value (an option flag, not a boolean). */
  takesValue: boolean
  /** The accepted values, when the flag declares them (`-f table|json|...`). */
  values?: string[]
}

export interface CompletionCommand {
  /** `subcloud add` */
  words: string
  flags: CompletionFlag[]
  /** The positional argument (or `--subcloud` value) is a subcloud name: completed from the API. */
  subcloudNames: boolean
}

/** The words that may follow `dcm <prefix>`: subcommands and topics, from the command list. */
export function childrenOf(commands: CompletionCommand[], prefix: string): string[] {
  const depth = prefix ? prefix.split(' ').length : 0
  const children = new Set<string>()
  for (const {words} of commands) {
    const parts = words.split(' ')
    if (parts.length > depth && parts.slice(0, depth).join(' ') === prefix) children.add(parts[depth])
  }
  return [...children].sort()
}

/** Every prefix that has children: '' (the top level), `subcloud`, `lab`, `lab host`, ... */
export function prefixesOf(commands: CompletionCommand[]): string[] {
  const prefixes = new Set<string>([''])
  for (const {words} of commands) {
    const parts = words.split(' ')
    for (let depth = 1; depth < parts.length; depth++) prefixes.add(parts.slice(0, depth).join(' '))
  }
  return [...prefixes].sort()
}
