/**
 * Parser for the small POSIX shell subset a simulated controller-0 understands on an exec channel: what
 * dcm's SSH engine sends (single-quoted words from shellQuote, `VAR=value cmd`, `&&`/`||`/`;`/`|`/`&`,
 * redirections, `sh -c '...'`) and what an operator types at it by hand. Words keep their quoting so that
 * `$VAR` is expanded only outside single quotes, at run time. No globbing and no command substitution:
 * a command using them fails loudly as a syntax error instead of doing something else.
 */
export type WordPart =
  {kind: 'text'; text: string} | {kind: 'var'; name: string; quoted: boolean} | {kind: 'arith'; expression: string}

export interface Word {
  parts: WordPart[]
  /** An unquoted leading `~` (expanded to $HOME). */
  tilde: boolean
}

export interface Redirection {
  fd: number
  op: '>' | '>>' | '<' | '>&'
  target: Word
}

export interface SimpleCommand {
  kind: 'simple'
  assignments: Array<{name: string; value: Word}>
  words: Word[]
  redirections: Redirection[]
}

export interface Subshell {
  kind: 'subshell'
  list: CommandList
  redirections: Redirection[]
}

/** `while LIST; do LIST; done` (`until` negates the condition). */
export interface Loop {
  kind: 'loop'
  until: boolean
  condition: CommandList
  body: CommandList
  redirections: Redirection[]
}

/** `if LIST; then LIST; [elif LIST; then LIST;]... [else LIST;] fi` */
export interface If {
  kind: 'if'
  branches: Array<{condition: CommandList; body: CommandList}>
  otherwise?: CommandList
  redirections: Redirection[]
}

export type Command = SimpleCommand | Subshell | Loop | If

export interface Pipeline {
  negate: boolean
  commands: Command[]
}

export type Separator = ';' | '&&' | '||' | '&'

export type CommandList = Array<{pipeline: Pipeline; separator: Separator}>

export class ShellSyntaxError extends Error {}

type Token = {type: 'word'; word: Word} | {type: 'op'; op: string} | {type: 'redir'; fd: number; op: Redirection['op']}

const OPERATORS = ['&&', '||', ';;', '>>', '>&', ';', '|', '&', '(', ')', '>', '<', '\n']

export function tokenize(input: string): Token[] {
  const tokens: Token[] = []
  let i = 0
  while (i < input.length) {
    const c = input[i]
    if (c === ' ' || c === '\t') {
      i++
      continue
    }
    if (c === '\\' && input[i + 1] === '\n') {
      i += 2
      continue
    }
    if (c === '#') {
      while (i < input.length && input[i] !== '\n') i++
      continue
    }
    // An fd number directly before a redirection operator (`2>&1`, `2>/dev/null`).
    const fdMatch = /^(\d)(>>|>&|>|<)/.exec(input.slice(i))
    if (fdMatch) {
      tokens.push({type: 'redir', fd: Number(fdMatch[1]), op: fdMatch[2] as Redirection['op']})
      i += fdMatch[0].length
      continue
    }
    const op = OPERATORS.find((candidate) => input.startsWith(candidate, i))
    if (op) {
      if (op === ';;') throw new ShellSyntaxError("syntax error near unexpected token `;;'")
      if (op === '>' || op === '>>' || op === '<' || op === '>&')
        tokens.push({type: 'redir', fd: op === '<' ? 0 : 1, op: op as Redirection['op']})
      else tokens.push({type: 'op', op})
      i += op.length
      continue
    }
    const [word, next] = readWord(input, i)
    tokens.push({type: 'word', word})
    i = next
  }
  return tokens
}

function readWord(input: string, start: number): [Word, number] {
  const parts: WordPart[] = []
  const text = (value: string) => {
    const last = parts[parts.length - 1]
    if (last?.kind === 'text') last.text += value
    else parts.push({kind: 'text', text: value})
  }
  const tilde = input[start] === '~'
  let i = tilde ? start + 1 : start
  while (i < input.length) {
    const c = input[i]
    if (' \t\n;&|()<>'.includes(c)) break
    if (c === "'") {
      const end = input.indexOf("'", i + 1)
      if (end < 0) throw new ShellSyntaxError("unexpected EOF while looking for matching `''")
      text(input.slice(i + 1, end))
      i = end + 1
    } else if (c === '"') {
      i++
      while (i < input.length && input[i] !== '"') {
        if (input[i] === '\\' && '$`"\\\n'.includes(input[i + 1] ?? '')) {
          text(input[i + 1])
          i += 2
        } else if (input[i] === '$') {
          i = readVariable(input, i, parts, text, true)
        } else if (input[i] === '`') {
          throw new ShellSyntaxError('command substitution is not supported')
        } else {
          text(input[i++])
        }
      }
      if (i >= input.length) throw new ShellSyntaxError('unexpected EOF while looking for matching `"\'')
      i++
    } else if (c === '\\') {
      if (i + 1 < input.length) text(input[i + 1])
      i += 2
    } else if (c === '$') {
      i = readVariable(input, i, parts, text, false)
    } else if (c === '`' || c === '*' || c === '?') {
      if (c === '`') throw new ShellSyntaxError('command substitution is not supported')
      // Globbing is not supported: a pattern is passed through literally, like bash's failglob-off default
      // when nothing matches.
      text(c)
      i++
    } else {
      text(c)
      i++
    }
  }
  if (parts.length === 0 && !tilde) parts.push({kind: 'text', text: ''})
  return [{parts, tilde}, i]
}

function readVariable(
  input: string,
  at: number,
  parts: WordPart[],
  text: (value: string) => void,
  quoted: boolean,
): number {
  const rest = input.slice(at + 1)
  if (rest.startsWith('((')) {
    const end = rest.indexOf('))')
    if (end < 0) throw new ShellSyntaxError("unexpected EOF while looking for matching `))'")
    parts.push({kind: 'arith', expression: rest.slice(2, end)})
    return at + 1 + end + 2
  }
  if (rest.startsWith('(')) throw new ShellSyntaxError('command substitution is not supported')
  const braced = /^\{([A-Za-z_][A-Za-z0-9_]*|[$?!#@0-9])\}/.exec(rest)
  const plain = /^([A-Za-z_][A-Za-z0-9_]*|[$?!#@0-9])/.exec(rest)
  const match = braced ?? plain
  if (!match) {
    text('$')
    return at + 1
  }
  parts.push({kind: 'var', name: match[1], quoted})
  return at + 1 + match[0].length
}

export function parseScript(input: string): CommandList {
  const tokens = tokenize(input)
  let position = 0
  const peek = () => tokens[position]
  const isOp = (op: string) => {
    const token = peek()
    return token?.type === 'op' && token.op === op
  }

  const atReserved = (words: string[]) => {
    const token = peek()
    return token?.type === 'word' && words.some((word) => wordIsLiteral(token.word, word))
  }
  const expectReserved = (word: string) => {
    if (!atReserved([word])) throw new ShellSyntaxError(`syntax error: expected \`${word}'`)
    position++
  }

  function parseList(closing?: string, reserved: string[] = []): CommandList {
    const list: CommandList = []
    while (position < tokens.length) {
      while (isOp('\n') || isOp(';')) position++
      if (position >= tokens.length || (closing && isOp(closing)) || atReserved(reserved)) break
      const pipeline = parsePipeline()
      let separator: Separator = ';'
      const token = peek()
      if (token?.type === 'op' && ['&&', '||', ';', '&', '\n'].includes(token.op)) {
        separator = token.op === '\n' ? ';' : (token.op as Separator)
        position++
        if (separator === '&&' || separator === '||') while (isOp('\n')) position++
      } else if (token && !(closing && isOp(closing)) && !atReserved(reserved)) {
        throw new ShellSyntaxError(`syntax error near unexpected token \`${token.type === 'op' ? token.op : '?'}'`)
      }
      list.push({pipeline, separator})
    }
    return list
  }

  function parsePipeline(): Pipeline {
    let negate = false
    const first = peek()
    if (first?.type === 'word' && wordIsLiteral(first.word, '!')) {
      negate = true
      position++
    }
    const commands = [parseCommand()]
    while (isOp('|')) {
      position++
      while (isOp('\n')) position++
      commands.push(parseCommand())
    }
    return {negate, commands}
  }

  function parseCommand(): Command {
    if (atReserved(['while', 'until'])) {
      const until = atReserved(['until'])
      position++
      const condition = parseList(undefined, ['do'])
      expectReserved('do')
      const body = parseList(undefined, ['done'])
      expectReserved('done')
      return {kind: 'loop', until, condition, body, redirections: parseRedirections()}
    }
    if (atReserved(['if'])) {
      position++
      const branches: If['branches'] = []
      let otherwise: CommandList | undefined
      for (;;) {
        const condition = parseList(undefined, ['then'])
        expectReserved('then')
        const body = parseList(undefined, ['elif', 'else', 'fi'])
        branches.push({condition, body})
        if (atReserved(['elif'])) {
          position++
          continue
        }
        if (atReserved(['else'])) {
          position++
          otherwise = parseList(undefined, ['fi'])
        }
        expectReserved('fi')
        break
      }
      return {kind: 'if', branches, otherwise, redirections: parseRedirections()}
    }
    if (isOp('(')) {
      position++
      const list = parseList(')')
      if (!isOp(')')) throw new ShellSyntaxError("syntax error: missing `)'")
      position++
      return {kind: 'subshell', list, redirections: parseRedirections()}
    }
    const command: SimpleCommand = {kind: 'simple', assignments: [], words: [], redirections: []}
    for (;;) {
      const token = peek()
      if (!token) break
      if (token.type === 'redir') {
        command.redirections.push(...parseRedirections())
        continue
      }
      if (token.type !== 'word') break
      const assignment = command.words.length === 0 ? asAssignment(token.word) : undefined
      if (assignment) command.assignments.push(assignment)
      else command.words.push(token.word)
      position++
    }
    if (command.words.length === 0 && command.assignments.length === 0 && command.redirections.length === 0) {
      const token = peek()
      throw new ShellSyntaxError(
        `syntax error near unexpected token \`${token ? (token.type === 'op' ? token.op.replace('\n', 'newline') : '?') : 'newline'}'`,
      )
    }
    return command
  }

  function parseRedirections(): Redirection[] {
    const redirections: Redirection[] = []
    for (let token = peek(); token?.type === 'redir'; token = peek()) {
      position++
      const target = peek()
      if (target?.type !== 'word') throw new ShellSyntaxError("syntax error near unexpected token `newline'")
      position++
      redirections.push({fd: token.fd, op: token.op, target: target.word})
    }
    return redirections
  }

  const list = parseList()
  if (position < tokens.length) throw new ShellSyntaxError("syntax error near unexpected token `)'")
  return list
}

function wordIsLiteral(word: Word, text: string): boolean {
  return !word.tilde && word.parts.length === 1 && word.parts[0].kind === 'text' && word.parts[0].text === text
}

function asAssignment(word: Word): {name: string; value: Word} | undefined {
  const first = word.parts[0]
  if (word.tilde || first?.kind !== 'text') return undefined
  const match = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(first.text)
  if (!match) return undefined
  const rest = first.text.slice(match[0].length)
  const parts: WordPart[] = [...(rest ? [{kind: 'text' as const, text: rest}] : []), ...word.parts.slice(1)]
  return {name: match[1], value: {parts: parts.length ? parts : [{kind: 'text', text: ''}], tilde: false}}
}
