// One training run of the bundle (scripts/train-code-cache.js starts it): runs dist/bundle/dcm.cjs exactly as the
// launchers do (Module.wrap, compiled as a vm.Script under the bundle's own file name) with the rest of argv as
// dcm's arguments, and when the process exits writes V8's code cache for it to CACHE_OUT. A cache made after a run
// holds every function that run compiled, not only the top level, so a later start skips compiling them.
// Without ARGs it only compiles: the cache of the top level (the fallback when no lab can be started).
//   node scripts/code-cache-child.cjs BUNDLE CACHE_OUT [ARG...]
const {readFileSync, writeFileSync} = require('node:fs')
const {Module} = require('node:module')
const path = require('node:path')
const vm = require('node:vm')

const [filename, cacheOut] = process.argv.splice(2, 2)
const script = new vm.Script(Module.wrap(readFileSync(filename, 'utf8')), {filename})
process.on('exit', () => writeFileSync(cacheOut, script.createCachedData()))
if (process.argv.length === 2) process.exit(0)
const module_ = {exports: {}, filename, id: filename}
script.runInThisContext()(module_.exports, require, module_, filename, path.dirname(filename))
