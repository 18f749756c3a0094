#!/usr/bin/env node
// Built-ins by getBuiltinModule, not `import`: an ES module's import of node:fs builds its ESM facade, which reads
// every export once, fs.promises and the stream classes included: ~20 internal modules dcm's start does not need.
const {readFileSync, statSync} = process.getBuiltinModule('node:fs')
const {createRequire, Module} = process.getBuiltinModule('node:module')
const path = process.getBuiltinModule('node:path')
const {fileURLToPath} = process.getBuiltinModule('node:url')
const vm = process.getBuiltinModule('node:vm')

// dcm runs as one bundled script (dist/bundle/dcm.cjs, built by `npm run compile`): loading it costs a fraction of
// loading oclif and dcm file by file. A bundle older than the last `tsc` run (a compile without the bundle step) is
// not used: its code would not be the code in dist/. DCM_NO_BUNDLE=1 starts file by file too: tests that patch a
// module of dist/ with `node --import` (test/helpers/netconfig-faults-preload.mjs) need the modules they patch.
const bundle = fileURLToPath(new URL('../dist/bundle/dcm.cjs', import.meta.url))
const compiled = fileURLToPath(new URL('../dist/.tsbuildinfo', import.meta.url))
if (process.argv.length === 3 && process.argv[2] === '--version') {
  // Answered before any of dcm is loaded: oclif's user agent line, the text `dcm --version` prints through oclif.
  const pjson = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'))
  process.stdout.write(`${pjson.name}/${pjson.version} ${process.platform}-${process.arch} node-${process.version}\n`)
} else if (!process.env.DCM_NO_BUNDLE && isCurrent(bundle, compiled)) {
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
