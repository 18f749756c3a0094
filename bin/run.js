#!/usr/bin/env node
import {readFileSync, statSync} from 'node:fs'
import {createRequire, Module} from 'node:module'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import vm from 'node:vm'

// dcm runs as one bundled script (dist/bundle/dcm.cjs, built by `npm run compile`): loading it costs a fraction of
// loading oclif and dcm file by file. A bundle older than the last `tsc` run (a compile without the bundle step) is
// not used: its code would not be the code in dist/. DCM_NO_BUNDLE=1 starts file by file too: tests that patch a
// module of dist/ with `node --import` (test/helpers/netconfig-faults-preload.mjs) need the modules they patch.
const bundle = fileURLToPath(new URL('../dist/bundle/dcm.cjs', import.meta.url))
const compiled = fileURLToPath(new URL('../dist/.tsbuildinfo', import.meta.url))
if (!process.env.DCM_NO_BUNDLE && isCurrent(bundle, compiled)) {
  runBundle(bundle)
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

/**
 * Run the bundle as require() would, with V8's code cache that `npm run compile` wrote beside it (dcm.cjs.cache):
 * without it V8 parses all 1.7 MB before the first line runs. A cache made by another Node or V8 is rejected by V8
 * itself, and the script is then compiled as usual.
 */
function runBundle(filename) {
  let cachedData
  try {
    cachedData = readFileSync(`${filename}.cache`)
  } catch {
    // no cache: compiled from source
  }
  const script = new vm.Script(Module.wrap(readFileSync(filename, 'utf8')), {
    filename,
    cachedData,
  })
  const module = {exports: {}, filename, id: filename}
  script.runInThisContext()(module.exports, createRequire(filename), module, filename, path.dirname(filename))
}
