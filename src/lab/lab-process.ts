import {spawn} from 'node:child_process'
import {promises as fs, closeSync} from 'node:fs'
import path from 'node:path'

import {ConnectionError, OperationError, TimeoutError} from '../core/errors.js'
import {openPrivateFile} from '../core/files/private-file.js'
import {childEnvironment} from '../core/secrets.js'
import {ensureLabDataDir, type LabInstance, LOG_FILE, processAlive, readInstance, removeInstance} from './lab-files.js'

/**
 * Running a lab in the background (`dcm lab start --detach`) and finding or stopping it later through the
 * `lab.json` it writes in its data dir. Library code: returns values and throws typed errors, never prints.
 */

/** The lab running in a data dir, or undefined (a stale lab.json of a dead process is ignored). */
export async function runningInstance(dataDir: string): Promise<LabInstance | undefined> {
  const instance = await readInstance(dataDir)
  if (!instance || !processAlive(instance.pid) || !(await isLabProcess(instance.pid))) return undefined
  return instance
}

/**
 * After a reboot a stale lab.json may name a pid now used by something else: never signal that. On Linux the
 * command line tells (`... lab start ...`); elsewhere the pid is trusted.
 */
async function isLabProcess(pid: number): Promise<boolean> {
  try {
    const argv = (await fs.readFile(`/proc/${pid}/cmdline`, 'utf8')).split('\0')
    const lab = argv.indexOf('lab')
    return lab >= 0 && argv[lab + 1] === 'start'
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ENOENT'
  }
}

/** Ask the lab itself (GET /lab/status); proves it serves requests, not only that the pid exists. */
export async function probeInstance(instance: LabInstance, caCert?: string): Promise<Record<string, unknown>> {
  const url = `${instance.url}/lab/status`
  try {
    if (url.startsWith('https:')) {
      // dcm's own transport carries the lab's private CA (fetch cannot take one).
      const {HttpTransport} = await import('../core/api/transport.js')
      const transport = new HttpTransport({
        cacert: caCert ?? instance.caCert,
        connectTimeoutMs: 5000,
        requestTimeoutMs: 5000,
        getRetries: 0,
      })
      try {
        return (await transport.request({method: 'GET', url})).json<Record<string, unknown>>()
      } finally {
        await transport.close()
      }
    }
    const response = await fetch(url, {signal: AbortSignal.timeout(5000)})
    return (await response.json()) as Record<string, unknown>
  } catch (error) {
    throw new ConnectionError(`The lab at ${instance.url} does not answer (${(error as Error).message})`, {
      cause: error,
    })
  }
}

export interface DetachOptions {
  /** `node <bin/run.js>`; none inside the single executable, which is its own `dcm` (process.execPath). */
  runScript: string | undefined
  dataDir: string
  /** `lab start` arguments without --detach. */
  args: string[]
  timeoutMs?: number
}

/**
 * Fork `dcm lab start` into the background with its output in `<data-dir>/lab.log`, and return once it has
 * written its lab.json and answers on its port.
 */
export async function startDetached(options: DetachOptions): Promise<LabInstance> {
  ensureLabDataDir(options.dataDir)
  const logFile = path.join(options.dataDir, LOG_FILE)
  const log = openPrivateFile(logFile, 'append')
  // From the single executable there is no script: the binary runs `lab start` itself.
  const child = spawn(
    process.execPath,
    [...(options.runScript ? [options.runScript] : []), 'lab', 'start', ...options.args],
    {
      detached: true,
      stdio: ['ignore', log, log],
      // The daemon outlives this shell: it must not keep the caller's OS_PASSWORD, DCM_SYSADMIN_PASSWORD or
      // any other secret (readable in /proc/<pid>/environ for as long as it runs). It reads its own password file.
      env: childEnvironment(),
    },
  )
  closeSync(log)
  let exited: number | null | undefined
  child.on('exit', (code) => (exited = code))
  child.unref()
  const deadline = Date.now() + (options.timeoutMs ?? 20_000)
  while (Date.now() < deadline) {
    if (exited !== undefined) {
      const tail = (await fs.readFile(logFile, 'utf8').catch(() => '')).trim().split('\n').slice(-3).join(' | ')
      throw new OperationError(`The lab exited during start (exit code ${exited}): ${tail}`, {
        hint: `See ${logFile}`,
      })
    }
    const instance = await readInstance(options.dataDir)
    if (instance && instance.pid === child.pid) {
      try {
        await probeInstance(instance)
        return instance
      } catch {
        // not serving yet
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  if (child.pid) process.kill(child.pid, 'SIGTERM')
  throw new TimeoutError(`The lab did not become ready within ${Math.round((options.timeoutMs ?? 20_000) / 1000)} s`, {
    hint: `See ${logFile}`,
  })
}

/** SIGTERM the lab and wait for it to exit (SIGKILL after `graceMs`). Returns the stopped pid. */
export async function stopInstance(dataDir: string, graceMs = 10_000): Promise<number | undefined> {
  const instance = await runningInstance(dataDir)
  if (!instance) return undefined
  process.kill(instance.pid, 'SIGTERM')
  const deadline = Date.now() + graceMs
  while (processAlive(instance.pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
  if (processAlive(instance.pid)) {
    process.kill(instance.pid, 'SIGKILL')
    // A zombie (our own unreaped child) stays "alive" to kill(0): give up waiting after a moment.
    const killDeadline = Date.now() + 2000
    while (processAlive(instance.pid) && Date.now() < killDeadline) await new Promise((r) => setTimeout(r, 20))
  }
  await removeInstance(dataDir, instance.pid)
  return instance.pid
}

/** Quote a value for a POSIX shell `export` line. */
export function shellQuote(value: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`
}
