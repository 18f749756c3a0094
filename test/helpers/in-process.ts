import {existsSync} from 'node:fs'
import path from 'node:path'

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
    // process.env is a special object: restore it in place rather than replacing it.
    for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key]
    Object.assign(process.env, saved)
    process.exitCode = exitCode
  }
}

/**
 * `dcm <words...>` in process: the command is found by its words in src/commands (the longest match, as
 * oclif's topic separator does), loaded from source, and run with the remaining words as its argv.
 */
export async function dcmInProcess<T = unknown>(
  words: string[],
  env: Record<string, string | undefined> = {},
): Promise<InProcessResult<T>> {
  for (let take = Math.min(3, words.length); take > 0; take--) {
    const file = path.join(repoRoot, 'src', 'commands', ...words.slice(0, take)) + '.ts'
    if (!existsSync(file)) continue
    const module = (await import(file)) as {default: Runnable}
    return runInProcess<T>(module.default, words.slice(take), env)
  }
  throw new Error(`no command for: dcm ${words.join(' ')}`)
}
