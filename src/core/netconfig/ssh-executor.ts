import {ConnectionError} from '../errors.js'
import type {SshSession} from '../ssh/index.js'
import {shellCommand} from '../ssh/shell-quote.js'
import type {CommandResult, Executor} from './executor.js'

/**
 * Runs the plan on a remote controller over an SSH session (charter D1's src/core/ssh). The remote login
 * shell parses the command string, so every word is single-quoted; nothing secret is ever in it.
 * A lost connection is an error, not a failed command: whether the last `ip` ran is unknown.
 */
export class SshExecutor implements Executor {
  readonly where: string

  constructor(private readonly session: SshSession) {
    this.where = `${session.target.user}@${session.target.alias}`
  }

  async run(argv: string[]): Promise<CommandResult> {
    const result = await this.session.exec(shellCommand(argv))
    if (result.lost)
      throw new ConnectionError(`the SSH connection to ${this.where} was lost while running ${argv.join(' ')}`, {
        hint: `check the host's state with \`ip -j addr\` and \`ip -j route\` before running again`,
      })
    const code = result.code ?? 128 + (SIGNALS[result.signal ?? ''] ?? 15)
    return {code, stdout: result.stdout, stderr: result.stderr}
  }

  async close(): Promise<void> {
    await this.session.close()
  }
}

const SIGNALS: Record<string, number> = {HUP: 1, INT: 2, KILL: 9, TERM: 15}
