import {setLongTimeout} from '../../core/duration.js'
import {HostFsError} from './ssh-host-fs.js'
import {runAnsiblePlaybook} from './ssh-host-ansible.js'
import {KilledBySignal, type Program, type ProgramContext, type ProgramShell} from './ssh-host-program.js'

/**
 * The programs installed on a simulated controller-0: the few coreutils, sudo, setsid, kill and pgrep that
 * dcm's SSH engine and pre-flight use, and `ansible-playbook` (ssh-host-ansible.ts). Messages and exit
 * statuses follow the Debian tools so that error paths in dcm read the same against the lab.
 */
const ok = async () => 0

export const PROGRAMS: Record<string, Program> = {
  true: ok,
  ':': ok,
  false: async () => 1,
  echo: async ({argv, io}) => {
    const noNewline = argv[1] === '-n'
    io.stdout.write(argv.slice(noNewline ? 2 : 1).join(' ') + (noNewline ? '' : '\n'))
    return 0
  },
  printf: async ({argv, io}) => {
    io.stdout.write(printf(argv[1] ?? '', argv.slice(2)))
    return 0
  },
  cat: async ({argv, io, shell}) => {
    const files = argv.slice(1).filter((arg) => arg !== '--')
    if (files.length === 0 || (files.length === 1 && files[0] === '-')) {
      io.stdout.write(await io.stdin.readAll())
      return 0
    }
    let status = 0
    for (const file of files) {
      try {
        io.stdout.write(shell.fs.readFile(shell.resolve(file)))
      } catch (error) {
        io.stderr.write(`cat: ${file}: ${fsReason(error)}\n`)
        status = 1
      }
    }
    return status
  },
  test: async ({argv, io, shell}) => testExpression(argv.slice(1), io, argv[0], shell),
  '[': async ({argv, io, shell}) => {
    if (argv[argv.length - 1] !== ']') {
      io.stderr.write("bash: [: missing `]'\n")
      return 2
    }
    return testExpression(argv.slice(1, -1), io, '[', shell)
  },
  mkdir: async ({argv, io, shell}) => {
    const {flags, values, operands} = parseOptions(argv.slice(1), 'p', 'm')
    let status = 0
    for (const dir of operands) {
      if (!shell.canWrite(dir)) {
        io.stderr.write(`mkdir: cannot create directory '${dir}': Permission denied\n`)
        status = 1
        continue
      }
      try {
        shell.fs.mkdir(shell.resolve(dir), {recursive: flags.has('p'), mode: values.m ? parseInt(values.m, 8) : 0o755})
        if (values.m) shell.fs.chmod(shell.resolve(dir), parseInt(values.m, 8))
      } catch (error) {
        io.stderr.write(`mkdir: cannot create directory '${dir}': ${fsReason(error)}\n`)
        status = 1
      }
    }
    return status
  },
  chmod: async ({argv, io, shell}) => {
    const [mode, ...files] = argv.slice(1).filter((arg) => !arg.startsWith('-'))
    if (!mode || !/^[0-7]{3,4}$/.test(mode)) {
      io.stderr.write(`chmod: invalid mode: '${mode ?? ''}'\n`)
      return 1
    }
    let status = 0
    for (const file of files) {
      try {
        if (!shell.canWrite(file)) throw new Error('Operation not permitted')
        shell.fs.chmod(shell.resolve(file), parseInt(mode, 8))
      } catch (error) {
        io.stderr.write(`chmod: cannot access '${file}': ${fsReason(error)}\n`)
        status = 1
      }
    }
    return status
  },
  touch: async ({argv, io, shell}) => {
    let status = 0
    for (const file of argv.slice(1).filter((arg) => !arg.startsWith('-'))) {
      try {
        if (!shell.canWrite(file)) throw new Error('Permission denied')
        if (!shell.fs.exists(shell.resolve(file))) shell.fs.writeFile(shell.resolve(file), '')
      } catch (error) {
        io.stderr.write(`touch: cannot touch '${file}': ${fsReason(error)}\n`)
        status = 1
      }
    }
    return status
  },
  rm: async ({argv, io, shell}) => {
    const {flags, operands} = parseOptions(argv.slice(1), 'frR')
    let status = 0
    for (const file of operands) {
      try {
        if (!shell.canWrite(file)) throw new Error('Permission denied')
        shell.fs.remove(shell.resolve(file), {recursive: flags.has('r') || flags.has('R')})
      } catch (error) {
        if (flags.has('f') && error instanceof HostFsError && error.code === 'ENOENT') continue
        io.stderr.write(`rm: cannot remove '${file}': ${fsReason(error)}\n`)
        status = 1
      }
    }
    return status
  },
  mv: async ({argv, io, shell}) => {
    const [from, to] = argv.slice(1).filter((arg) => !arg.startsWith('-'))
    try {
      if (!shell.canWrite(from) || !shell.canWrite(to)) throw new Error('Permission denied')
      shell.fs.rename(shell.resolve(from), shell.resolve(to))
      return 0
    } catch (error) {
      io.stderr.write(`mv: cannot move '${from}' to '${to}': ${fsReason(error)}\n`)
      return 1
    }
  },
  stat: async ({argv, io, shell}) => {
    const {values, operands} = parseOptions(argv.slice(1), 'L', 'c')
    let status = 0
    for (const file of operands) {
      const entry = shell.fs.stat(shell.resolve(file))
      if (!entry) {
        io.stderr.write(`stat: cannot statx '${file}': No such file or directory\n`)
        status = 1
        continue
      }
      const format = values.c ?? '%n %s %a'
      io.stdout.write(
        format
          .replaceAll('%a', entry.mode.toString(8))
          .replaceAll('%s', String(entry.data.length))
          .replaceAll('%n', file)
          .replaceAll('%U', shell.user)
          .replaceAll(
            '%F',
            entry.type === 'dir' ? 'directory' : entry.data.length ? 'regular file' : 'regular empty file',
          ) + '\n',
      )
    }
    return status
  },
  grep: async ({argv, io, shell}) => {
    const {flags, operands} = parseOptions(argv.slice(1), 'qvcEFi')
    const [pattern, ...files] = operands
    if (pattern === undefined) {
      io.stderr.write('Usage: grep [OPTION]... PATTERNS [FILE]...\n')
      return 2
    }
    const text = files.length
      ? files.map((file) => shell.fs.readFile(shell.resolve(file)).toString()).join('')
      : (await io.stdin.readAll()).toString()
    const regex = flags.has('F')
      ? new RegExp(pattern.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'), flags.has('i') ? 'i' : '')
      : new RegExp(pattern, flags.has('i') ? 'i' : '')
    const lines = text
      .split('\n')
      .filter((line, index, all) => (index < all.length - 1 || line !== '') && regex.test(line) !== flags.has('v'))
    if (flags.has('c')) io.stdout.write(`${lines.length}\n`)
    else if (!flags.has('q')) io.stdout.write(lines.map((line) => line + '\n').join(''))
    return lines.length > 0 ? 0 : 1
  },
  id: async ({argv, io, shell}) => {
    const uid = shell.isRoot() ? 0 : 42425
    const flags = new Set(argv.slice(1).flatMap((arg) => (arg.startsWith('-') ? [...arg.slice(1)] : [])))
    if (flags.has('u')) io.stdout.write(flags.has('n') ? `${shell.user}\n` : `${uid}\n`)
    else
      io.stdout.write(
        `uid=${uid}(${shell.user}) gid=${shell.isRoot() ? 0 : 751}(${shell.isRoot() ? 'root' : 'sys_protected'})\n`,
      )
    return 0
  },
  whoami: async ({io, shell}) => {
    io.stdout.write(`${shell.user}\n`)
    return 0
  },
  hostname: async ({io}) => {
    io.stdout.write('localhost\n')
    return 0
  },
  uname: async ({argv, io}) => {
    io.stdout.write(
      argv.includes('-r')
        ? '6.6.0-1-amd64\n'
        : argv.includes('-a')
          ? 'Linux localhost 6.6.0-1-amd64 #1 SMP PREEMPT_DYNAMIC x86_64 GNU/Linux\n'
          : 'Linux\n',
    )
    return 0
  },
  pwd: async ({io, shell}) => {
    io.stdout.write(`${shell.cwd}\n`)
    return 0
  },
  mktemp: async ({argv, io, shell}) => {
    const directory = argv.includes('-d')
    const name = `/tmp/tmp.${Math.random().toString(36).slice(2, 12)}`
    if (directory) shell.fs.mkdir(name, {mode: 0o700})
    else shell.fs.writeFile(name, '', {mode: 0o600})
    io.stdout.write(`${name}\n`)
    return 0
  },
  sleep: async ({argv, io, signal}) => {
    const seconds = Number(argv[1])
    if (!Number.isFinite(seconds) || seconds < 0) {
      io.stderr.write(`sleep: invalid time interval '${argv[1] ?? ''}'\n`)
      return 1
    }
    await abortableDelay(seconds * 1000, signal)
    return 0
  },
  command: async ({argv, io}) => which(argv.filter((arg) => arg !== '-v').slice(1), io),
  which: async ({argv, io}) => which(argv.slice(1), io),
  env: async (context) => {
    const env = {...context.env}
    let index = 1
    for (; index < context.argv.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(context.argv[index]); index++) {
      const [name, ...value] = context.argv[index].split('=')
      env[name] = value.join('=')
    }
    if (index >= context.argv.length) {
      context.io.stdout.write(
        Object.entries(env)
          .map(([k, v]) => `${k}=${v}\n`)
          .join(''),
      )
      return 0
    }
    // env execs its command: same process, same pid.
    return context.shell.runProgramIn(context.process, context.argv.slice(index), context.io, env)
  },
  nohup: async (context) => context.shell.runProgramIn(context.process, context.argv.slice(1), context.io, context.env),
  sh: runShell,
  bash: runShell,
  sudo,
  setsid,
  kill,
  pgrep,
  'ansible-playbook': runAnsiblePlaybook,
}

const INSTALLED = new Set(Object.keys(PROGRAMS))

function which(names: string[], io: ProgramContext['io']): number {
  let status = 0
  for (const name of names) {
    if (INSTALLED.has(name)) io.stdout.write(`/usr/bin/${name}\n`)
    else status = 1
  }
  return status
}

/** `sh -c SCRIPT [NAME [ARGS...]]` / `bash -lc SCRIPT`: a shell running in this process. */
async function runShell({shell, argv, io, env, process}: ProgramContext): Promise<number> {
  const index = argv.findIndex((arg, i) => i > 0 && /^-[a-z]*c[a-z]*$/.test(arg))
  const base = {machine: shell.machine, process, env, cwd: shell.cwd, user: shell.user}
  if (index < 0) return shell.newShell(base).runScript((await io.stdin.readAll()).toString(), io)
  const child = shell.newShell({...base, name: argv[index + 2] ?? argv[0], args: argv.slice(index + 3)})
  return child.runScript(argv[index + 1] ?? '', io)
}

/**
 * `sudo -S [-k] [-v] [-p PROMPT] [-n] [-u root] [--] [COMMAND...]`: reads the password from stdin (dcm never
 * puts it on a command line), checks it against the host's sysadmin password, and runs COMMAND as root.
 */
async function sudo(context: ProgramContext): Promise<number> {
  const {shell, argv, io, env, process} = context
  let index = 1
  let fromStdin = false
  let validateOnly = false
  let nonInteractive = false
  let prompt = `[sudo] password for ${shell.user}: `
  for (; index < argv.length; index++) {
    const arg = argv[index]
    if (arg === '--') {
      index++
      break
    }
    if (!arg.startsWith('-')) break
    if (arg === '-p' || arg === '-u') {
      if (arg === '-p') prompt = argv[index + 1] ?? ''
      index++
      continue
    }
    if (arg.startsWith('-p')) {
      prompt = arg.slice(2)
      continue
    }
    for (const flag of arg.slice(1)) {
      if (flag === 'S') fromStdin = true
      else if (flag === 'v') validateOnly = true
      else if (flag === 'n') nonInteractive = true
    }
  }
  const command = argv.slice(index)
  if (!shell.isRoot()) {
    if (nonInteractive || !(fromStdin || io.stdin.terminal)) {
      // Without a TTY, sudo can only read a password with -S.
      io.stderr.write(
        nonInteractive
          ? 'sudo: a password is required\n'
          : 'sudo: a terminal is required to read the password; either use the -S option to read from standard input or configure an askpass helper\n',
      )
      return 1
    }
    let attempts = 0
    for (;;) {
      io.stderr.write(prompt)
      io.stdin.setEcho?.(false)
      const password = await io.stdin.readLine().finally(() => io.stdin.setEcho?.(true))
      if (password === null) {
        io.stderr.write('\nsudo: no password was provided\n')
        if (attempts > 0) io.stderr.write(`sudo: ${attempts} incorrect password attempt${attempts > 1 ? 's' : ''}\n`)
        return 1
      }
      if (shell.machine.checkPassword(password)) break
      attempts++
      if (attempts >= 3) {
        io.stderr.write('\nsudo: 3 incorrect password attempts\n')
        return 1
      }
      io.stderr.write('\nSorry, try again.\n')
    }
    if (prompt) io.stderr.write('\n')
  }
  if (validateOnly && command.length === 0) return 0
  if (command.length === 0) {
    io.stderr.write('usage: sudo -h | -K | -k | -V\n')
    return 1
  }
  const root = shell.newShell({
    machine: shell.machine,
    process,
    env: {...env, HOME: '/root', USER: 'root', LOGNAME: 'root'},
    cwd: shell.cwd,
    user: 'root',
  })
  return root.runArgv(command, io, {...env, HOME: '/root', USER: 'root', LOGNAME: 'root', SUDO_USER: shell.user})
}

/** `setsid [-w] [-f] COMMAND...`: the command runs in a new session and process group (pgid = its pid). */
async function setsid(context: ProgramContext): Promise<number> {
  const {shell, argv, io, env, process} = context
  const command = argv
    .slice(1)
    .filter((arg, i, all) => !(arg.startsWith('-') && all.slice(0, i).every((a) => a.startsWith('-'))))
  if (command.length === 0) {
    io.stderr.write('setsid: no command specified\n')
    return 1
  }
  // A new session: this process becomes its own group leader and execs the command, so `$$` in a
  // `setsid sh -c '...'` is the group id and `kill -- -PGID` reaches everything it starts.
  process.pgid = process.pid
  const leader = shell.newShell({machine: shell.machine, process, env, cwd: shell.cwd, user: shell.user})
  return leader.runProgramIn(process, command, io, env)
}

/** `kill [-s SIG | -SIG] [--] PID|-PGID...` */
async function kill({argv, io, shell}: ProgramContext): Promise<number> {
  let signal = 'TERM'
  const targets: string[] = []
  let optionsDone = false
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i]
    if (!optionsDone && arg === '--') optionsDone = true
    else if (!optionsDone && (arg === '-s' || arg === '-n')) signal = signalName(argv[++i] ?? '')
    else if (!optionsDone && targets.length === 0 && /^-([A-Za-z]+|\d+)$/.test(arg)) signal = signalName(arg.slice(1))
    else targets.push(arg)
  }
  if (targets.length === 0) {
    io.stderr.write('kill: usage: kill [-s sigspec | -n signum | -sigspec] pid | jobspec ... or kill -l [sigspec]\n')
    return 2
  }
  let status = 0
  for (const target of targets) {
    const pid = Number(target)
    if (!Number.isInteger(pid)) {
      io.stderr.write(`bash: kill: ${target}: arguments must be process or job IDs\n`)
      status = 1
    } else if (shell.machine.kill(pid, signal) === 0) {
      io.stderr.write(`bash: kill: (${pid}) - No such process\n`)
      status = 1
    }
  }
  return status
}

function signalName(spec: string): string {
  const name = spec.toUpperCase().replace(/^SIG/, '')
  if (/^\d+$/.test(name)) {
    if (name === '0') return '0'
    return (
      Object.entries({HUP: 1, INT: 2, QUIT: 3, KILL: 9, PIPE: 13, TERM: 15}).find(([, n]) => String(n) === name)?.[0] ??
      'TERM'
    )
  }
  return name
}

/** `pgrep [-g PGID] [-s SID] [-f] [-l] [PATTERN]`: pids of matching processes, exit 1 when none. */
async function pgrep({argv, io, shell, process: self}: ProgramContext): Promise<number> {
  let group: number | undefined
  let full = false
  let pattern: string | undefined
  for (let i = 1; i < argv.length; i++) {
    const arg = argv[i]
    if (arg === '-g' || arg === '-s') group = Number(argv[++i])
    else if (arg === '-f') full = true
    else if (!arg.startsWith('-')) pattern = arg
  }
  const matches = [...shell.machine.processes.values()].filter((p) => {
    if (p.pid === self.pid) return false
    if (group !== undefined && p.pgid !== group) return false
    if (pattern === undefined) return true
    return new RegExp(pattern).test(full ? p.argv.join(' ') : (p.argv[0] ?? '').split('/').pop()!)
  })
  io.stdout.write(matches.map((p) => `${p.pid}\n`).join(''))
  return matches.length > 0 ? 0 : 1
}

/** test(1) / [ ... ]: unary file and string tests, binary string and integer comparisons, `!`. */
function testExpression(args: string[], io: ProgramContext['io'], name: string, shell: ProgramShell): number {
  if (args[0] === '!') {
    const inner = testExpression(args.slice(1), io, name, shell)
    return inner === 2 ? 2 : inner === 0 ? 1 : 0
  }
  const bool = (value: boolean) => (value ? 0 : 1)
  if (args.length === 0) return 1
  if (args.length === 1) return bool(args[0] !== '')
  if (args.length === 2) {
    const [op, operand] = args
    if (op === '-n') return bool(operand !== '')
    if (op === '-z') return bool(operand === '')
    const entry = shell.fs.stat(shell.resolve(operand))
    switch (op) {
      case '-e':
        return bool(!!entry)
      case '-f':
        return bool(entry?.type === 'file')
      case '-d':
        return bool(entry?.type === 'dir')
      case '-s':
        return bool(!!entry && entry.data.length > 0)
      case '-r':
      case '-w':
      case '-x':
        return bool(!!entry)
    }
    io.stderr.write(`bash: ${name}: ${op}: unary operator expected\n`)
    return 2
  }
  if (args.length === 3) {
    const [left, op, right] = args
    const numbers = () => [Number(left), Number(right)]
    switch (op) {
      case '=':
      case '==':
        return bool(left === right)
      case '!=':
        return bool(left !== right)
      case '-eq':
        return bool(numbers()[0] === numbers()[1])
      case '-ne':
        return bool(numbers()[0] !== numbers()[1])
      case '-lt':
        return bool(numbers()[0] < numbers()[1])
      case '-gt':
        return bool(numbers()[0] > numbers()[1])
    }
  }
  io.stderr.write(`bash: ${name}: too many arguments\n`)
  return 2
}

function parseOptions(
  args: string[],
  booleans: string,
  withValue = '',
): {flags: Set<string>; values: Record<string, string>; operands: string[]} {
  const flags = new Set<string>()
  const values: Record<string, string> = {}
  const operands: string[] = []
  let done = false
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]
    if (done || !arg.startsWith('-') || arg === '-') {
      operands.push(arg)
      continue
    }
    if (arg === '--') {
      done = true
      continue
    }
    if (arg.startsWith('--')) continue
    for (let j = 1; j < arg.length; j++) {
      const flag = arg[j]
      if (withValue.includes(flag)) {
        values[flag] = arg.slice(j + 1) || args[++i]
        break
      }
      if (booleans.includes(flag)) flags.add(flag)
    }
  }
  return {flags, values, operands}
}

function printf(format: string, args: string[]): string {
  const unescaped = format.replace(/\\([nt\\])/g, (_, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : '\\'))
  let out = ''
  let index = 0
  do {
    out += unescaped.replace(/%([sd%])/g, (_, c: string) =>
      c === '%' ? '%' : (args[index++] ?? (c === 'd' ? '0' : '')),
    )
  } while (index < args.length && /%[sd]/.test(unescaped))
  return out
}

function fsReason(error: unknown): string {
  if (error instanceof HostFsError) return error.message.slice(error.file.length + 2)
  return error instanceof Error ? error.message : String(error)
}

export function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(new KilledBySignal(String(signal.reason)))
    const onAbort = () => {
      timer.cancel()
      reject(new KilledBySignal(String(signal.reason)))
    }
    const timer = setLongTimeout(() => {
      signal.removeEventListener('abort', onAbort)
      resolve()
    }, ms)
    signal.addEventListener('abort', onAbort, {once: true})
  })
}
