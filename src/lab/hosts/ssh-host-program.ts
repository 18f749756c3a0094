import type {HostFs} from './ssh-host-fs.js'
import type {HostMachine, HostProcess} from './ssh-host-machine.js'

/**
 * The contract between the simulated shell (ssh-host-shell.ts) and the programs it runs (ssh-host-programs.ts,
 * ssh-host-ansible.ts): standard streams, death by signal, and the part of a shell a program may use. The shell
 * imports the program table; programs see the shell only through `ProgramShell`, so neither imports the other
 * back.
 */
export interface Output {
  write(chunk: string | Buffer): void
}

/** A process's standard input: the exec channel's data, a pipe, a file, or nothing. */
export interface Input {
  /** A terminal (an interactive login with a pty): sudo may prompt on it without -S. */
  terminal?: boolean
  /** Turn the terminal's echo off while a password is typed. */
  setEcho?(on: boolean): void
  /** One line without its newline; null at end of input. */
  readLine(): Promise<string | null>
  readAll(): Promise<Buffer>
}

export interface Io {
  stdin: Input
  stdout: Output
  stderr: Output
}

/** Thrown through the interpreter when the running process dies by a signal ('TERM', 'KILL', 'INT', 'PIPE'). */
export class KilledBySignal extends Error {
  constructor(readonly signalName: string) {
    super(`killed by SIG${signalName}`)
  }
}

/** Thrown by an Output whose reader went away (the SSH channel closed): the writer dies of SIGPIPE. */
export class BrokenPipe extends Error {
  constructor() {
    super('Broken pipe')
  }
}

export interface ShellOptions {
  machine: HostMachine
  /** The shell's own process (its pid is `$$`). */
  process: HostProcess
  env: Record<string, string>
  cwd?: string
  user?: string
  /** `$0` and the positional parameters (`sh -c SCRIPT NAME ARGS...`). */
  name?: string
  args?: string[]
}

/** What a program may ask of the shell that runs it. */
export interface ProgramShell {
  readonly machine: HostMachine
  readonly fs: HostFs
  readonly env: Record<string, string>
  readonly cwd: string
  readonly user: string
  isRoot(): boolean
  /** A path as this shell sees it (relative to cwd). */
  resolve(file: string): string
  canWrite(file: string): boolean
  /** Run a program inside a given process, as exec(3) does (see Shell.runProgramIn). */
  runProgramIn(
    process: HostProcess,
    argv: string[],
    io: Io,
    env: Record<string, string>,
    owned?: boolean,
  ): Promise<number>
  /** Run a whole script; resolves with the exit status, rejects with KilledBySignal. */
  runScript(script: string, io: Io): Promise<number>
  /** Run argv as a child process of this shell (builtins run in the shell itself). */
  runArgv(argv: string[], io: Io, env?: Record<string, string>): Promise<number>
  /** A new shell on the same machine (`sh -c`, `sudo`, `setsid`). */
  newShell(options: ShellOptions): ProgramShell
}

export interface ProgramContext {
  shell: ProgramShell
  argv: string[]
  io: Io
  env: Record<string, string>
  process: HostProcess
  /** Aborted when this program's process receives a signal. */
  signal: AbortSignal
}

export type Program = (context: ProgramContext) => Promise<number>
