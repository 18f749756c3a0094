import {HostFsError} from './ssh-host-fs.js'
import {HostFs} from './ssh-host-fs.js'
import {type HostMachine, type HostProcess, SYSADMIN, SYSADMIN_HOME} from './ssh-host-machine.js'
import {
  type Command,
  type CommandList,
  parseScript,
  type Pipeline,
  type Redirection,
  ShellSyntaxError,
  type Word,
} from './ssh-host-shell-parse.js'
import {
  BrokenPipe,
  type Input,
  type Io,
  KilledBySignal,
  type Output,
  type ProgramShell,
  type ShellOptions,
} from './ssh-host-program.js'
import {PROGRAMS} from './ssh-host-programs.js'

export {BrokenPipe, KilledBySignal, type Input, type Io, type Output, type ShellOptions} from './ssh-host-program.js'

/**
 * The command interpreter behind a simulated controller-0's exec channel: runs a parsed script against the
 * host's in-memory files and process table, as `bash -c` would for the logged-in user. Programs (cat, sudo,
 * setsid, kill, ansible-playbook, ...) live in ssh-host-programs.ts; this module owns the language: lists,
 * pipelines, redirections, variables, exit statuses, and death by signal.
 */
/** Raised by the `exit` builtin: unwinds to the shell that owns it. */
class ShellExit extends Error {
  constructor(readonly status: number) {
    super(`exit ${status}`)
  }
}

const SIGNAL_NUMBERS: Record<string, number> = {HUP: 1, INT: 2, QUIT: 3, KILL: 9, PIPE: 13, TERM: 15}

export function signalNumber(name: string): number {
  return SIGNAL_NUMBERS[name] ?? 15
}

export class Shell implements ProgramShell {
  readonly machine: HostMachine
  process: HostProcess
  readonly env: Record<string, string>
  cwd: string
  readonly user: string
  lastStatus = 0
  lastBackgroundPid = 0
  readonly name: string
  readonly args: string[]
  private readonly background: Array<Promise<unknown>> = []

  constructor(options: ShellOptions) {
    this.machine = options.machine
    this.process = options.process
    this.user = options.user ?? SYSADMIN
    const home = this.user === 'root' ? '/root' : SYSADMIN_HOME
    this.env = {
      HOME: home,
      USER: this.user,
      LOGNAME: this.user,
      SHELL: '/bin/bash',
      PATH: '/usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin',
      ...options.env,
    }
    this.cwd = options.cwd ?? home
    this.name = options.name ?? 'bash'
    this.args = options.args ?? []
  }

  newShell(options: ShellOptions): Shell {
    return new Shell(options)
  }

  get fs(): HostFs {
    return this.machine.fs
  }

  isRoot(): boolean {
    return this.user === 'root'
  }

  /** A path as this shell sees it (relative to cwd). */
  resolve(file: string): string {
    return HostFs.normalize(file, this.cwd)
  }

  /** Unprivileged users may only write below their home and /tmp, as on a real controller. */
  canWrite(file: string): boolean {
    if (this.isRoot()) return true
    const target = this.resolve(file)
    return [this.env.HOME, '/tmp'].some((dir) => target === dir || target.startsWith(dir + '/'))
  }

  /** Run a whole script; resolves with the exit status, rejects with KilledBySignal. */
  async runScript(script: string, io: Io): Promise<number> {
    let list: CommandList
    try {
      list = parseScript(script)
    } catch (error) {
      if (!(error instanceof ShellSyntaxError)) throw error
      io.stderr.write(`bash: -c: line 1: ${error.message}\n`)
      return 2
    }
    try {
      const status = await this.runList(list, io)
      await Promise.allSettled(this.background)
      return status
    } catch (error) {
      if (error instanceof ShellExit) {
        await Promise.allSettled(this.background)
        return error.status
      }
      throw error
    }
  }

  async runList(list: CommandList, io: Io): Promise<number> {
    let status: number
    let skip = false
    for (const {pipeline, separator} of list) {
      this.checkAlive()
      if (!skip) {
        if (separator === '&') {
          const job = this.runPipeline(pipeline, io, true).catch(() => undefined)
          this.background.push(job)
          status = 0
        } else {
          status = await this.runPipeline(pipeline, io, false)
        }
        this.lastStatus = status
      }
      // `a && b || c`: a skipped command keeps the status that decided the skip.
      if (separator === '&&') skip = this.lastStatus !== 0
      else if (separator === '||') skip = this.lastStatus === 0
      else skip = false
    }
    return this.lastStatus
  }

  private checkAlive(): void {
    const {signal} = this.process.controller
    if (signal.aborted) throw new KilledBySignal(String(signal.reason))
  }

  private async runPipeline(pipeline: Pipeline, io: Io, background: boolean): Promise<number> {
    let status: number
    if (pipeline.commands.length === 1) {
      status = await this.runCommand(pipeline.commands[0], io, background)
    } else {
      // Stages run one after the other with the output buffered: enough for `cat f | grep x`, the only
      // kind of pipe the simulated host is asked for.
      let input = io.stdin
      status = 0
      for (const [index, command] of pipeline.commands.entries()) {
        const last = index === pipeline.commands.length - 1
        const captured: Buffer[] = []
        const stdout: Output = last ? io.stdout : {write: (chunk) => captured.push(Buffer.from(chunk))}
        status = await this.runCommand(command, {stdin: input, stdout, stderr: io.stderr}, background)
        input = bufferInput(Buffer.concat(captured))
      }
    }
    return pipeline.negate ? (status === 0 ? 1 : 0) : status
  }

  private async runCommand(command: Command, io: Io, background: boolean): Promise<number> {
    let redirected: Io
    try {
      redirected = this.applyRedirections(command.redirections, io)
    } catch (error) {
      io.stderr.write(`bash: ${describeFsError(error)}\n`)
      return 1
    }
    if (command.kind === 'loop') {
      let status = 0
      for (;;) {
        this.checkAlive()
        const condition = await this.runList(command.condition, redirected)
        if ((condition === 0) === command.until) break
        status = await this.runList(command.body, redirected)
      }
      this.lastStatus = status
      return status
    }
    if (command.kind === 'if') {
      for (const branch of command.branches) {
        if ((await this.runList(branch.condition, redirected)) === 0) return this.runList(branch.body, redirected)
      }
      return command.otherwise ? this.runList(command.otherwise, redirected) : 0
    }
    if (command.kind === 'subshell') {
      const child = this.machine.spawn(['bash'], this.process.pgid)
      const subshell = new Shell({
        machine: this.machine,
        process: child,
        env: {...this.env},
        cwd: this.cwd,
        user: this.user,
        name: this.name,
        args: this.args,
      })
      try {
        return await subshell.runScriptList(command.list, redirected)
      } finally {
        this.machine.exit(child)
      }
    }
    const env = {...this.env}
    for (const {name, value} of command.assignments) env[name] = this.expand(value)
    const argv = command.words.flatMap((word) => this.expandWords(word))
    if (argv.length === 0) {
      Object.assign(this.env, env)
      return 0
    }
    if (background) {
      const child = this.machine.spawn(argv, this.process.pgid)
      this.lastBackgroundPid = child.pid
      return this.runProgramIn(child, argv, redirected, env, true)
    }
    return this.runArgv(argv, redirected, env)
  }

  /** For `( ... )`: a list run by a child shell. */
  async runScriptList(list: CommandList, io: Io): Promise<number> {
    try {
      return await this.runList(list, io)
    } catch (error) {
      if (error instanceof ShellExit) return error.status
      throw error
    }
  }

  /** Run argv as a child process of this shell (builtins run in the shell itself). */
  async runArgv(argv: string[], io: Io, env: Record<string, string> = this.env): Promise<number> {
    const builtin = BUILTINS[argv[0]]
    if (builtin) return builtin(this, argv, io, env)
    const child = this.machine.spawn(argv, this.process.pgid)
    return this.runProgramIn(child, argv, io, env, true)
  }

  /**
   * Run a program inside a given process: a fresh child (`owned`: it ends with the program), or an existing
   * one the program replaces, as exec(3) does (`exec`, and `env`, `setsid`, `nohup` running their command).
   */
  async runProgramIn(
    process: HostProcess,
    argv: string[],
    io: Io,
    env: Record<string, string>,
    owned = false,
  ): Promise<number> {
    const builtin = owned ? undefined : BUILTINS[argv[0]]
    if (builtin) return builtin(this, argv, io, env)
    process.argv = argv
    const program = PROGRAMS[argv[0].replace(/^\/(usr\/)?(s?bin)\//, '')]
    try {
      if (!program) {
        io.stderr.write(`bash: line 1: ${argv[0]}: command not found\n`)
        return 127
      }
      const {signal} = process.controller
      if (signal.aborted) throw new KilledBySignal(String(signal.reason))
      return await program({shell: this, argv, io, env, process, signal})
    } catch (caught) {
      let error = caught
      if (error instanceof BrokenPipe) {
        process.controller.abort('PIPE')
        error = new KilledBySignal('PIPE')
      }
      if (error instanceof KilledBySignal) {
        // The shell survives a child killed in another process group (`setsid`); its own group dies with it.
        if (this.process.controller.signal.aborted) throw error
        return 128 + signalNumber(error.signalName)
      }
      if (error instanceof ShellExit) throw error
      if (error instanceof HostFsError) {
        io.stderr.write(`${argv[0]}: ${describeFsError(error)}\n`)
        return 1
      }
      throw error
    } finally {
      if (owned) this.machine.exit(process)
    }
  }

  expand(word: Word): string {
    return this.expandWords(word).join(' ')
  }

  /** A word's value; `"$@"` makes one word per positional parameter (no other field splitting is done). */
  expandWords(word: Word): string[] {
    const words: string[] = [word.tilde ? this.env.HOME : '']
    let sawAt = false
    for (const part of word.parts) {
      if (part.kind === 'text') words[words.length - 1] += part.text
      else if (part.kind === 'arith') words[words.length - 1] += String(this.arithmetic(part.expression))
      else if (part.name === '@') {
        sawAt = true
        if (this.args.length === 0) continue
        words[words.length - 1] += this.args[0]
        words.push(...this.args.slice(1))
      } else words[words.length - 1] += this.variable(part.name)
    }
    // `"$@"` with no parameters is no word at all.
    if (sawAt && this.args.length === 0 && words.length === 1 && words[0] === '') return []
    return words
  }

  /** `$((...))`: integers, variables, + - * / % and parentheses. */
  private arithmetic(expression: string): number {
    const tokens = expression.match(/\d+|[A-Za-z_][A-Za-z0-9_]*|[-+*/%()]/g) ?? []
    let position = 0
    const value = (token: string) => (/^\d+$/.test(token) ? Number(token) : Number(this.env[token] ?? 0) || 0)
    const primary = (): number => {
      const token = tokens[position++]
      if (token === '(') {
        const inner = sum()
        position++
        return inner
      }
      if (token === '-') return -primary()
      return token === undefined ? 0 : value(token)
    }
    const product = (): number => {
      let result = primary()
      while (['*', '/', '%'].includes(tokens[position])) {
        const op = tokens[position++]
        const right = primary()
        result = op === '*' ? result * right : op === '/' ? Math.trunc(result / (right || 1)) : result % (right || 1)
      }
      return result
    }
    const sum = (): number => {
      let result = product()
      while (tokens[position] === '+' || tokens[position] === '-') {
        const op = tokens[position++]
        result = op === '+' ? result + product() : result - product()
      }
      return result
    }
    return sum()
  }

  private variable(name: string): string {
    if (name === '$') return String(this.process.pid)
    if (name === '?') return String(this.lastStatus)
    if (name === '!') return this.lastBackgroundPid ? String(this.lastBackgroundPid) : ''
    if (name === '#') return String(this.args.length)
    if (/^\d$/.test(name)) return name === '0' ? this.name : (this.args[Number(name) - 1] ?? '')
    return this.env[name] ?? ''
  }

  private applyRedirections(redirections: Redirection[], io: Io): Io {
    const result: Io = {...io}
    for (const {fd, op, target} of redirections) {
      const file = this.expand(target)
      if (op === '>&') {
        const source = file === '1' ? result.stdout : file === '2' ? result.stderr : undefined
        if (!source) throw new Error(`${file}: Bad file descriptor`)
        if (fd === 2) result.stderr = source
        else result.stdout = source
        continue
      }
      if (op === '<') {
        result.stdin =
          file === '/dev/null' ? bufferInput(Buffer.alloc(0)) : bufferInput(this.fs.readFile(this.resolve(file)))
        continue
      }
      let sink: Output
      if (file === '/dev/null') sink = {write: () => undefined}
      else {
        if (!this.canWrite(file)) throw new Error(`${file}: Permission denied`)
        const path = this.resolve(file)
        this.fs.writeFile(path, '', {append: op === '>>', mode: 0o644})
        sink = {write: (chunk) => this.fs.writeFile(path, Buffer.from(chunk), {append: true})}
      }
      if (fd === 2) result.stderr = sink
      else result.stdout = sink
    }
    return result
  }
}

type Builtin = (shell: Shell, argv: string[], io: Io, env: Record<string, string>) => Promise<number>

const BUILTINS: Record<string, Builtin> = {
  async cd(shell, argv, io) {
    const target = shell.resolve(argv[1] ?? shell.env.HOME)
    const entry = shell.fs.stat(target)
    if (entry?.type !== 'dir') {
      io.stderr.write(`bash: cd: ${argv[1]}: ${entry ? 'Not a directory' : 'No such file or directory'}\n`)
      return 1
    }
    shell.cwd = target
    return 0
  },
  async exit(_shell, argv) {
    throw new ShellExit(argv[1] === undefined ? _shell.lastStatus : Number(argv[1]) & 255)
  },
  async export(shell, argv) {
    for (const item of argv.slice(1)) {
      const index = item.indexOf('=')
      if (index > 0) shell.env[item.slice(0, index)] = item.slice(index + 1)
    }
    return 0
  },
  async set() {
    // `set -e`, `set -o pipefail`: accepted; scripts sent to the host check statuses explicitly.
    return 0
  },
  async umask() {
    return 0
  },
  async exec(shell, argv, io, env) {
    if (argv.length === 1) return 0
    // The program replaces the shell: same pid, same process group, and the shell ends with its status.
    const status = await shell.runProgramIn(shell.process, argv.slice(1), io, env)
    throw new ShellExit(status)
  },
  async wait(shell) {
    return shell.lastStatus
  },
}

export function bufferInput(data: Buffer): Input {
  let offset = 0
  return {
    async readLine() {
      if (offset >= data.length) return null
      const end = data.indexOf(0x0a, offset)
      const line = data.subarray(offset, end < 0 ? data.length : end).toString()
      offset = end < 0 ? data.length : end + 1
      return line
    },
    async readAll() {
      const rest = data.subarray(offset)
      offset = data.length
      return rest
    },
  }
}

export function describeFsError(error: unknown): string {
  if (error instanceof HostFsError) return error.message
  return error instanceof Error ? error.message : String(error)
}
