import {InterruptedError, OperationError, UsageError} from '../core/errors.js'
import {registerSecret} from '../core/secrets.js'

/**
 * The prompt policy (design.md §3): values come from a flag, stdin or the environment first; a prompt is
 * shown only when stdin and stdout are both terminals; otherwise the command fails with exit 2 and names
 * the flag. Every secret obtained here is registered so that errors, debug lines and logs redact it.
 */
export function canPrompt(): boolean {
  return Boolean(process.stdin.isTTY && process.stdout.isTTY)
}

export interface SecretSource {
  /** e.g. 'sysadmin password' (used in prompts and errors). */
  label: string
  /** The flag an operator passes in scripts, e.g. '--sysadmin-password'. */
  flagName: string
  flagValue?: string
  /** When set and true, read the secret from all of stdin (trailing newline stripped). */
  stdinFlagName?: string
  fromStdin?: boolean
  /** Environment variable consulted after the flags, e.g. 'DCM_SYSADMIN_PASSWORD'. */
  envName?: string
  /** Prompt text; the confirmation prompt is derived from it. */
  prompt?: string
  /** Ask twice on a TTY (new passwords); default true. */
  confirm?: boolean
}

let stdinCache: Promise<string> | undefined

/** All of stdin, read once per process (several secrets cannot share it). */
function readAllStdin(): Promise<string> {
  stdinCache ??= new Promise((resolve, reject) => {
    let data = ''
    process.stdin.setEncoding('utf8')
    process.stdin.on('data', (chunk) => (data += chunk))
    process.stdin.on('end', () => resolve(data))
    process.stdin.on('error', reject)
  })
  return stdinCache
}

export async function resolveSecret(source: SecretSource): Promise<string> {
  const value = await findSecret(source)
  registerSecret(value)
  return value
}

async function findSecret(source: SecretSource): Promise<string> {
  if (source.flagValue !== undefined && source.flagValue !== '') return source.flagValue
  if (source.fromStdin) {
    const text = (await readAllStdin()).replace(/\r?\n$/, '')
    if (text === '') throw new UsageError(`${source.stdinFlagName ?? 'stdin'}: no ${source.label} on standard input`)
    return text
  }
  const fromEnv = source.envName ? process.env[source.envName] : undefined
  if (fromEnv) return fromEnv
  if (!canPrompt()) {
    const ways = [source.flagName, source.stdinFlagName, source.envName].filter(Boolean).join(', ')
    throw new UsageError(`the ${source.label} is required: no terminal to prompt on`, {hint: `pass it with ${ways}`})
  }
  return promptSecret(source.prompt ?? `Enter the ${source.label}:`, source.confirm ?? true)
}

/** Hidden input, refused when empty, asked twice until both match (dcmanager-api.md §5.2). */
async function promptSecret(message: string, confirm: boolean): Promise<string> {
  const {default: password} = await import('@inquirer/password')
  try {
    for (;;) {
      const first = await password({message, validate: (v) => v !== '' || 'A value is required.'})
      if (!confirm) return first
      const second = await password({message: message.replace(/^Enter/, 'Re-enter').replace(/:$/, ' to confirm:')})
      if (first === second) return first
      process.stderr.write('Passwords did not match, try again.\n')
    }
  } catch (error) {
    throw asInterrupted(error, 'Password prompt interrupted.')
  }
}

/**
 * Confirmation of a destructive action: `--yes` answers it; without a TTY the command refuses (exit 2)
 * rather than guessing.
 */
export async function confirmAction(question: string, yes: boolean | undefined): Promise<boolean> {
  if (yes) return true
  if (!canPrompt()) throw new UsageError(`confirmation required: no terminal to prompt on`, {hint: 'pass --yes'})
  const {default: confirm} = await import('@inquirer/confirm')
  try {
    return await confirm({message: question, default: false})
  } catch (error) {
    throw asInterrupted(error, 'Prompt interrupted.')
  }
}

/** Upstream's prompt for high-risk commands (dcmanager-api.md §5.2), drawn bold yellow as dcmanager draws it. */
export const HIGH_RISK_WARNING =
  'WARNING: This is a high-risk operation that may cause service interruption or remove critical resources.'
const HIGH_RISK_QUESTION = 'Do you want to continue? (yes/No): '
/** The same prompt as the `system` CLI (cgts-client) words it, for `host-route-delete`: its text has "a" and no period. */
export const SYSTEM_HIGH_RISK_WARNING =
  'WARNING: This is a high-risk operation that may cause a service interruption or remove critical resources '

/**
 * The confirmation of dcmanager's high-risk commands (delete, unmanage, update), following StarlingX's own
 * switch as upstream does: unless CLI_CONFIRMATIONS=enabled they run without asking (scripts and test
 * automation run them over SSH with no pty); when enabled, `--yes` answers, a terminal is asked (anything
 * but `yes` cancels, exit 1), and without a terminal the command refuses (exit 2) instead of guessing.
 */
export async function confirmHighRisk(
  yes: boolean | undefined,
  env: NodeJS.ProcessEnv = process.env,
  warning: string = HIGH_RISK_WARNING,
): Promise<void> {
  if (yes || env.CLI_CONFIRMATIONS !== 'enabled') return
  if (!canPrompt())
    throw new UsageError('confirmation required (CLI_CONFIRMATIONS=enabled): no terminal to prompt on', {
      hint: 'pass --yes',
    })
  const bold = (text: string) => (process.stdout.hasColors?.() ? `\x1b[1m\x1b[93m${text}\x1b[0m` : text)
  process.stdout.write(`${bold(warning)}\n`)
  const prompter = await openLinePrompter()
  let answer: string
  try {
    answer = await prompter.ask(bold(HIGH_RISK_QUESTION))
  } finally {
    prompter.close()
  }
  if (answer.trim().toLowerCase() !== 'yes') throw new OperationError('Operation cancelled by the user.')
}

function asInterrupted(error: unknown, message: string): unknown {
  const name = (error as Error)?.name
  return name === 'ExitPromptError' || name === 'AbortPromptError' ? new InterruptedError(message) : error
}

/**
 * Plain `question: answer` prompts drawn like Python's input() (config-management keeps upstream's exact
 * prompt texts, which inquirer's decorated prompts would change). One readline session serves several
 * questions. While it is open the terminal is in raw mode, so Ctrl-C arrives here rather than as SIGINT:
 * `onInterrupt` is called at any time, and a pending question rejects with InterruptedError. End of input
 * (Ctrl-D) rejects with UsageError.
 */
export interface LinePrompter {
  ask(question: string): Promise<string>
  close(): void
}

export async function openLinePrompter(onInterrupt?: () => void): Promise<LinePrompter> {
  const {createInterface} = await import('node:readline')
  const rl = createInterface({input: process.stdin, output: process.stdout, terminal: true})
  let pending: {reject: (error: Error) => void} | undefined
  let closed = false
  rl.on('SIGINT', () => {
    process.stdout.write('\n')
    onInterrupt?.()
    pending?.reject(new InterruptedError('Aborted'))
    pending = undefined
  })
  rl.on('close', () => {
    closed = true
    pending?.reject(new UsageError('no answer: end of input at the prompt'))
    pending = undefined
  })
  return {
    ask(question) {
      if (closed) return Promise.reject(new UsageError('no answer: end of input at the prompt'))
      return new Promise((resolve, reject) => {
        pending = {reject}
        rl.question(question, (answer) => {
          pending = undefined
          resolve(answer)
        })
      })
    },
    close() {
      pending = undefined
      rl.close()
      // readline leaves stdin flowing, which would keep the process alive after the command is done.
      process.stdin.pause()
    },
  }
}
