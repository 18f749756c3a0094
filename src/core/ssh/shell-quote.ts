/**
 * POSIX shell quoting for command strings sent over an SSH exec channel: the remote side always parses
 * them with the login shell, so every variable part is single-quoted (no expansion of any kind).
 */
export function shellQuote(value: string): string {
  if (value !== '' && /^[A-Za-z0-9_@%+=:,./-]+$/.test(value)) return value
  return `'${value.replace(/'/g, `'\\''`)}'`
}

export function shellCommand(argv: string[]): string {
  return argv.map(shellQuote).join(' ')
}
