// Loaded with `node --import` into the built CLI by config-management tests (never shipped): the faults of
// netconfig-faults.ts through the same Executor interface, chosen by TEST_NETCONFIG_FAIL_AT / _STALL_AT
// (comma-separated step kinds). A stalled step ends, unfinished, once dcm is interrupted: when any
// AbortController in the process aborts (dcm's interrupt handling aborts one on SIGINT, SIGTERM, and a
// Ctrl-C that readline catches in raw mode), which is how the engine sees a slow `ip` it was waiting for.
import path from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
const {LocalExecutor} = await import(pathToFileURL(path.join(root, 'dist', 'core', 'netconfig', 'executor.js')).href)

const kinds = (value) => (value ?? '').split(',').map((word) => word.trim())
const failAt = kinds(process.env.TEST_NETCONFIG_FAIL_AT)
const stallAt = kinds(process.env.TEST_NETCONFIG_STALL_AT)

function forwardKind(argv) {
  if (argv.includes('route') && argv.includes('add')) return 'route'
  if (argv.includes('addr') && argv.includes('add')) return 'address'
  if (argv.includes('link') && argv.includes('set')) return argv.at(-1) === 'up' ? 'link-up' : 'link-down'
  return undefined
}

const stalled = []
const abort = AbortController.prototype.abort
AbortController.prototype.abort = function (reason) {
  abort.call(this, reason)
  for (const end of stalled.splice(0)) end()
}

const run = LocalExecutor.prototype.run
LocalExecutor.prototype.run = function (argv) {
  const kind = forwardKind(argv)
  if (kind && failAt.includes(kind))
    return Promise.resolve({code: 1, stdout: '', stderr: `injected failure at ${kind} (test)`})
  if (kind && stallAt.includes(kind)) {
    return new Promise((resolve) => {
      // Nothing else keeps node alive while the step hangs; this timer does until the interruption.
      const keepAlive = setInterval(() => undefined, 60_000)
      stalled.push(() => {
        clearInterval(keepAlive)
        resolve({code: 130, stdout: '', stderr: 'stalled'})
      })
    })
  }
  return run.call(this, argv)
}
