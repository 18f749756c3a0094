import {captureOutput} from '@oclif/test'

import {exitCodeOf} from '../../src/cli/base-command.js'
import {type CliResult, repoRoot} from './cli.js'

/**
 * Run one command class in this process, from its TypeScript source, for unit-level command tests where
 * a subprocess adds nothing (no TTY, no signals, no stdin, no startup cost under test): parsing, the call
 * to the core, rendering, error texts and exit codes are the same code the built CLI runs. The class is
 * run through oclif's own `Command.run` with the repo's config (plugins, manifest), its stdout and stderr
 * captured, and `env` set only for the run. Like `runDcm`, the caller's OS_*, DCM_* and CLIFF_* are hidden.
 */
interface Runnable {
  run(argv?: string[], opts?: string): Promise<unknown>
}

export interface InProcessResult<T = unknown> extends CliResult {
  code: number
  /** What `run()` returned (the `--json` value), when it succeeded. */
  result?: T
}

export async function runInProcess<T = unknown>(
  command: Runnable,
  argv: string[],
  env: Record<string, string | undefined> = {},
): Promise<InProcessResult<T>> {
  const saved = {...process.env}
  const exitCode = process.exitCode
  for (const key of Object.keys(process.env)) if (/^(OS_|DCM_|CLIFF_)/.test(key)) delete process.env[key]
  Object.assign(process.env, {NO_COLOR: '1'}, env)
  try {
    const output = await captureOutput<T>(() => command.run(argv, repoRoot))
    // BaseCommand.catch has already printed `Error: ...` and ends with oclif's exit error carrying the code.
    const code = output.error ? exitCodeOf(output.error) : 0
    return {code, stdout: output.stdout, stderr: output.stderr, result: output.result}
  } finally {
    process.env = saved
    process.exitCode = exitCode
  }
}
