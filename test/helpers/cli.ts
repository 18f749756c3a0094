import {spawn} from 'node:child_process'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
/** Upstream reference data, spec texts and example override files, copied in so a clone tests on its own. */
export const fixturesDir = path.join(repoRoot, 'test', 'fixtures')

export interface CliResult {
  code: number | null
  stdout: string
  stderr: string
}

export interface CliOptions {
  /** Extra environment; OS_* and DCM_* of the calling shell are dropped so tests never reach a real cloud. */
  env?: Record<string, string | undefined>
  /** Text written to stdin, which is then closed (stdin is never a TTY here). */
  input?: string
  cwd?: string
  timeoutMs?: number
}

/** Run the built CLI (`bin/run.js` over dist/) as a child process, as an operator's shell would. */
export function runDcm(args: string[], options: CliOptions = {}): Promise<CliResult> {
  const env: Record<string, string | undefined> = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(OS_|DCM_|CLIFF_)/.test(key) && key !== 'NODE_OPTIONS') env[key] = value
  }
  Object.assign(env, {NO_COLOR: '1'}, options.env)
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(repoRoot, 'bin', 'run.js'), ...args], {
      cwd: options.cwd ?? repoRoot,
      env: env as NodeJS.ProcessEnv,
      stdio: ['pipe', 'pipe', 'pipe'],
    })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk) => (stdout += chunk))
    child.stderr.on('data', (chunk) => (stderr += chunk))
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000)
    child.on('error', reject)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({code, stdout, stderr})
    })
    child.stdin.end(options.input ?? '')
  })
}

/**
 * A runner for multi-step flows (the e2e tests): every result is kept in `outputs`, so a test can scan all of
 * them for secrets at the end, and the token cache goes to the test's own directory, resolved when a step runs.
 */
export function recordingDcm(cacheDir: () => string, timeoutMs = 120_000) {
  const outputs: CliResult[] = []
  async function run(args: string[], env: Record<string, string | undefined>, input?: string): Promise<CliResult> {
    const result = await runDcm(args, {env: {...env, XDG_CACHE_HOME: cacheDir()}, input, timeoutMs})
    outputs.push(result)
    return result
  }
  return {run, outputs}
}

/** A step that must succeed; on failure the error carries the command's output. */
export function expectOk(result: CliResult): CliResult {
  if (result.code !== 0) throw new Error(`exit ${result.code}\n${result.stdout}${result.stderr}`)
  return result
}

/** `eval "$(dcm lab env ...)"`: the export lines as an environment, single-quoting undone. */
export function parseExports(stdout: string): Record<string, string> {
  const env: Record<string, string> = {}
  for (const line of stdout.split('\n')) {
    const match = /^export ([A-Z_][A-Z0-9_]*)=(.*)$/.exec(line)
    if (!match) continue
    const raw = match[2]
    env[match[1]] = raw.startsWith("'") ? raw.slice(1, -1).replace(/'\\''/g, "'") : raw
  }
  return env
}
