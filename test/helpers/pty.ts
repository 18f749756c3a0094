import {spawn} from 'node:child_process'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

import {repoRoot} from './cli.js'

/**
 * Run the built CLI on a real pseudo-terminal (python3's pty module, see pty-run.py) and script the
 * operator: wait for a text, type an answer, press Ctrl-C.
 */
export type PtyStep = {expect: string} | {send: string} | {signal: 'SIGINT' | 'SIGTERM'}

export interface PtyResult {
  code: number | null
  signal: number | null
  /** Everything the terminal showed, escape sequences and carriage returns removed. */
  output: string
  /** Set when an expected text never came or the command did not exit in time. */
  error: string | null
}

const driver = path.join(path.dirname(fileURLToPath(import.meta.url)), 'pty-run.py')

export function runDcmOnPty(
  args: string[],
  steps: PtyStep[],
  options: {env?: Record<string, string>; timeoutSeconds?: number} = {},
): Promise<PtyResult> {
  const spec = {
    argv: [process.execPath, path.join(repoRoot, 'bin', 'run.js'), ...args],
    env: {NO_COLOR: '1', TERM: 'xterm', ...options.env},
    timeout: options.timeoutSeconds ?? 60,
    steps,
  }
  return new Promise((resolve, reject) => {
    const env = {...process.env}
    delete env.NODE_OPTIONS
    // A CI runner exports CI, which turns live progress off; the operator this scripts sits at a real terminal.
    delete env.CI
    const child = spawn('python3', [driver], {stdio: ['pipe', 'pipe', 'pipe'], env, cwd: repoRoot})
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk) => (stdout += chunk))
    child.stderr.on('data', (chunk) => (stderr += chunk))
    child.on('error', reject)
    child.on('close', () => {
      try {
        resolve(JSON.parse(stdout) as PtyResult)
      } catch {
        reject(new Error(`pty driver failed: ${stderr || stdout}`))
      }
    })
    child.stdin.end(JSON.stringify(spec))
  })
}
