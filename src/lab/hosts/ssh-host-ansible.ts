import path from 'node:path'

import {findTask} from './bootstrap-transcript-tasks.js'
import {playBootstrapTranscript, type TranscriptFailure} from './bootstrap-transcript.js'
import {INITIAL_CONFIG_COMPLETE_FLAG} from './ssh-host-machine.js'
import {KilledBySignal, type ProgramContext} from './ssh-host-program.js'

/**
 * `ansible-playbook` on a simulated controller-0. It understands the command lines of local-bootstrap.md
 * §4-5 (playbook path, `-i`, `--limit`, `-e key=value ...`), loads `<override_files_dir>/<host>.yml` as the
 * real play does, and plays the bootstrap transcript. What makes a real bootstrap fail makes this one fail
 * at the same task: an unreadable override file, a wrong `ansible_become_pass`, a host already finalized,
 * or the failure injected with `dcm lab host add --fail-at`.
 */
export interface PlaybookInvocation {
  playbook?: string
  inventory?: string
  limit?: string
  extraVars: Record<string, string>
}

export function parsePlaybookArgs(args: string[]): PlaybookInvocation {
  const invocation: PlaybookInvocation = {extraVars: {}}
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]
    const [option, inline] =
      arg.startsWith('--') && arg.includes('=')
        ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
        : [arg, undefined]
    const value = () => inline ?? args[++i] ?? ''
    if (option === '-i' || option === '--inventory' || option === '--inventory-file') invocation.inventory = value()
    else if (option === '-l' || option === '--limit') invocation.limit = value()
    else if (option === '-e' || option === '--extra-vars') Object.assign(invocation.extraVars, parseExtraVars(value()))
    else if (!arg.startsWith('-') && invocation.playbook === undefined) invocation.playbook = arg
  }
  return invocation
}

/** `-e "a='x y' b=z"`: key=value pairs split like ansible's parse_kv (shell-style quotes). */
export function parseExtraVars(text: string): Record<string, string> {
  const vars: Record<string, string> = {}
  const trimmed = text.trim()
  if (trimmed.startsWith('{')) {
    try {
      for (const [key, value] of Object.entries(JSON.parse(trimmed) as Record<string, unknown>))
        vars[key] = String(value)
    } catch {
      // ansible would stop with a parse error; the lab treats it as no variables.
    }
    return vars
  }
  const pattern = /([A-Za-z_][A-Za-z0-9_]*)=("([^"]*)"|'([^']*)'|\S*)/g
  for (const match of trimmed.matchAll(pattern)) vars[match[1]] = match[3] ?? match[4] ?? match[2]
  return vars
}

export async function runAnsiblePlaybook({shell, argv, io, signal}: ProgramContext): Promise<number> {
  const invocation = parsePlaybookArgs(argv.slice(1))
  if (!invocation.playbook) {
    io.stderr.write('usage: ansible-playbook [-h] [--version] [-v] [-i INVENTORY] ... playbook [playbook ...]\n')
    io.stderr.write('ansible-playbook: error: the following arguments are required: playbook\n')
    return 5
  }
  const playbook = shell.resolve(invocation.playbook)
  if (!shell.fs.exists(playbook)) {
    io.stderr.write(`ERROR! the playbook: ${invocation.playbook} could not be found\n`)
    return 1
  }
  if (invocation.inventory && !shell.fs.exists(shell.resolve(invocation.inventory))) {
    io.stderr.write(`[WARNING]: Unable to parse ${invocation.inventory} as an inventory source\n`)
    io.stderr.write('[WARNING]: No inventory was parsed, only implicit localhost is available\n')
    io.stderr.write('ERROR! Specified inventory, host pattern and/or --limit leaves us with no hosts to target.\n')
    return 1
  }
  const hostName = invocation.limit ?? 'localhost'
  const overrideFilesDir = invocation.extraVars.override_files_dir ?? shell.env.HOME
  const machine = shell.machine
  const {failAt, values} = await decideFailure(shell, hostName, overrideFilesDir)
  const flag = path.posix.join(shell.resolve(overrideFilesDir), `.${hostName}_deploy_not_abortable`)
  try {
    return await playBootstrapTranscript({
      hostName,
      overrideFilesDir,
      durationMs: machine.options.durationMs,
      failAt,
      write: (text) => io.stdout.write(text),
      signal,
      distributedCloudRole:
        typeof values.distributed_cloud_role === 'string' ? values.distributed_cloud_role : undefined,
      management: {
        address: stringValue(values.management_start_address),
        subnet: stringValue(values.management_subnet),
      },
      onTaskStart: (task) => {
        if (task.notAbortable === 'set') machine.fs.writeFile(flag, '', {mode: 0o644})
      },
      onTaskDone: (task) => {
        if (task.notAbortable === 'clear' && machine.fs.exists(flag)) machine.fs.remove(flag)
        if (task.marksBootstrapped) machine.markBootstrapped()
      },
    })
  } catch (error) {
    if (signal.aborted) throw new KilledBySignal(String(signal.reason))
    throw error
  }
}

/** Why this run fails, in the order the real play would discover it; undefined when it succeeds. */
async function decideFailure(
  shell: ProgramContext['shell'],
  hostName: string,
  overrideFilesDir: string,
): Promise<{failAt?: TranscriptFailure; values: Record<string, unknown>}> {
  const task = (name: string) => findTask(name)!
  const machine = shell.machine
  const overridesPath = path.posix.join(shell.resolve(overrideFilesDir), `${hostName}.yml`)
  const entry = machine.fs.stat(overridesPath)
  if (!entry || entry.type !== 'file') {
    return {failAt: {task: task('Fail if any of the mandatory configurations are not defined')}, values: {}}
  }
  let values: Record<string, unknown>
  try {
    const {parse} = await import('yaml')
    const parsed = parse(entry.data.toString())
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) values = parsed as Record<string, unknown>
    else throw new Error('not a mapping')
  } catch (error) {
    return {
      failAt: {
        task: task('common/prepare-env : include_vars'),
        failure: {
          changed: false,
          msg: `Syntax Error while loading YAML. ${error instanceof Error ? error.message.split('\n')[0] : ''}`.trim(),
        },
      },
      values: {},
    }
  }
  const become = values.ansible_become_pass
  if (typeof become !== 'string' || !machine.checkPassword(become)) {
    return {failAt: {task: task('Check if the become password is correct')}, values}
  }
  const release = machine.options.release
  if (
    machine.fs.exists(INITIAL_CONFIG_COMPLETE_FLAG) ||
    machine.fs.exists(`/opt/platform/config/${release}/.bootstrap_finalized`)
  ) {
    return {failAt: {task: task('Fail if host is unlocked or host configurations have already started')}, values}
  }
  const injected = machine.failTask()
  return {failAt: injected ? {task: injected} : undefined, values}
}

function stringValue(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined
}
