/**
 * oclif's parse and flag-validation errors are several lines written for its own renderer ("Missing 1 required
 * arg:" then the argument on the next line, "The following error occurred:" then the problems indented). dcm
 * prints errors as `Error: ...` lines, so each problem becomes one whole line here instead of the header alone.
 */
export interface ParseProblem {
  /** One line per problem, without the `Error: ` prefix. */
  lines: string[]
  hint?: string
}

const MORE_HELP = /^See more help with --help$/
const LIST_HEADER = /^The following errors? occurred:$/
const MISSING_ARGS = /^Missing (\d+) required args?:$/
const PARSING = /^Parsing (--[\w-]+)\s*$/

export function isParseErrorText(text: string): boolean {
  return /\nSee more help with --help\s*$/.test(text)
}

export function describeParseError(text: string): ParseProblem {
  const raw = text.replace(/^Error: /, '').split('\n')
  const lines: string[] = []
  for (let i = 0; i < raw.length; i++) {
    const line = raw[i].replace(/\s+$/, '')
    const trimmed = line.trim()
    if (trimmed === '' || MORE_HELP.test(trimmed) || LIST_HEADER.test(trimmed)) continue
    const missing = MISSING_ARGS.exec(trimmed)
    if (missing) {
      // The next lines name the arguments as "name  description" until a blank line.
      for (i++; i < raw.length && raw[i].trim() !== ''; i++) {
        const [name, ...description] = raw[i].trim().split(/\s{2,}/)
        lines.push(`Missing required argument ${name}${description.length ? ` (${description.join(' ')})` : ''}`)
      }
      continue
    }
    const parsing = PARSING.exec(trimmed)
    if (parsing) {
      const detail = (raw[i + 1] ?? '').trim()
      i++
      lines.push(detail.startsWith(parsing[1]) ? detail : `${parsing[1]}: ${detail}`)
      continue
    }
    if (/^Note: /.test(trimmed)) {
      // oclif's note on multi-value flags swallowing arguments: advice, not a problem of this command line.
      while (i + 1 < raw.length && raw[i + 1].trim() !== '' && !MORE_HELP.test(raw[i + 1].trim())) i++
      continue
    }
    lines.push(trimmed)
  }
  return {lines: lines.length > 0 ? lines : [text.split('\n')[0]]}
}
