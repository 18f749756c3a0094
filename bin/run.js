#!/usr/bin/env node
import {statSync} from 'node:fs'
import {createRequire} from 'node:module'

// dcm runs as one bundled script (dist/bundle/dcm.cjs, built by `npm run compile`): loading it costs a fraction of
// loading oclif and dcm file by file. A bundle older than the last `tsc` run (a compile without the bundle step) is
// not used: its code would not be the code in dist/.
const bundle = new URL('../dist/bundle/dcm.cjs', import.meta.url)
const compiled = new URL('../dist/.tsbuildinfo', import.meta.url)
if (isCurrent(bundle, compiled)) {
  // require(), not import(): importing CommonJS from an ES module first scans all of it for its exports.
  createRequire(import.meta.url)(bundle.pathname)
} else {
  const {execute, settings} = await import('@oclif/core')
  // dcm always runs its compiled dist/: with NODE_ENV=development or test, oclif would otherwise look for the
  // TypeScript sources of the help class and fail to load them.
  settings.enableAutoTranspile = false
  await execute({dir: import.meta.url})
}

function isCurrent(file, than) {
  try {
    return statSync(file).mtimeMs >= statSync(than).mtimeMs
  } catch {
    return false
  }
}
