#!/usr/bin/env node
// The last step of `npm run compile`: dcm as one script, dist/bundle/dcm.cjs, that bin/run.js runs and
// `npm run package` injects into the single executable.
//
// Started file by file, dcm spends most of a short command loading modules: @oclif/core alone is ~160 CommonJS
// files, each resolved, read and compiled, before a command runs (~150 ms of CPU on Node 20 for `subcloud list`).
// One bundled script is read once, and nothing in it is evaluated until used:
// 1. An entry module imports every command of oclif.manifest.json, the precompiled schema validators and
//    package.json, and starts src/cli/bundled.ts with them.
// 2. esbuild bundles it, with every lazily imported module (ssh2, ajv, the lab), into one minified CommonJS script.
// 3. dist/bundle/oclif.manifest.json is the manifest it lists and helps from: dcm's commands and plugin-help's `help`.
// 4. dist/bundle/dcm.cjs.cache is V8's code cache for it, made by the Node that compiles (bin/run.js hands it to V8,
//    which rejects a cache of another version and compiles as usual).
// Needs dist/ (tsc) and oclif.manifest.json: `npm run compile` runs it after both.
import {mkdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import {Module} from 'node:module'
import path from 'node:path'
import {fileURLToPath} from 'node:url'
import vm from 'node:vm'

import {build} from 'esbuild'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const out = path.join(root, 'dist', 'bundle')

const pjson = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'))
const manifest = JSON.parse(readFileSync(path.join(root, 'oclif.manifest.json'), 'utf8'))

/**
 * The entry (CommonJS, so that esbuild turns each require() of an ES module into a synchronous, lazy init): every
 * command is a getter that evaluates its module on first read, and so are the validators and oclif's help class.
 * esbuild still sees every require() and bundles it; only what a run touches is evaluated. Paths are relative to
 * dist/bundle, so the bundle builds the same from any checkout.
 */
function entrySource() {
  const from = (file) => JSON.stringify(path.relative(out, file).split(path.sep).join('/'))
  const lazy = (key, file, member = '') => `  get ${JSON.stringify(key)}() { return require(${from(file)})${member} },`
  const commands = Object.entries(manifest.commands).map(([id, command]) =>
    lazy(id, path.join(root, ...command.relativePath), '.default'),
  )
  // @oclif/plugin-help's `dcm help [COMMAND]` (by file: the package's exports map does not expose it); plugins are
  // not loaded from node_modules by the bundle.
  commands.push(
    lazy('help', path.join(root, 'node_modules', '@oclif', 'plugin-help', 'lib', 'commands', 'help.js'), '.default'),
  )
  // Modules oclif loads by path from package.json (the help class, hooks), handed to its module loader (shim below)
  // under their package-relative path without extension.
  const byPath = [pjson.oclif.helpClass, ...Object.values(pjson.oclif.hooks ?? {}).flat()]
    .filter((target) => typeof target === 'string')
    .map((target) => target.replace(/\.js$/, ''))
  const oclifModules = byPath.map((target) => lazy(path.normalize(target), path.join(root, target) + '.js'))
  const dist = (module) => from(path.join(root, 'dist', module))
  return [
    `const pjson = require(${from(path.join(root, 'package.json'))})`,
    // `dcm --version` answers before anything else is evaluated: oclif's user agent line, the same text.
    `if (process.argv.length === 3 && process.argv[2] === '--version') {`,
    '  process.stdout.write(`${pjson.name}/${pjson.version} ${process.platform}-${process.arch} node-${process.version}\\n`)',
    `} else {`,
    `const {registerEmbeddedModule} = require(${dist('core/package-files.js')})`,
    `const {runBundled} = require(${dist('cli/bundled.js')})`,
    `registerEmbeddedModule('schemas/generated/validators.mjs', () => require(${from(path.join(root, 'schemas', 'generated', 'validators.mjs'))}))`,
    `globalThis[Symbol.for('dcm.oclif-modules')] = {`,
    ...oclifModules,
    `}`,
    `const COMMANDS = {`,
    ...commands,
    `}`,
    `runBundled(pjson, COMMANDS).catch((error) => {`,
    `  process.stderr.write(String((error && error.stack) || error) + '\\n')`,
    `  process.exitCode = 1`,
    `})`,
    `}`,
    '',
  ].join('\n')
}

/** The manifest the bundle lists and helps from: dcm's commands and plugin-help's `help`. */
function bundledManifest() {
  const help = JSON.parse(
    readFileSync(path.join(root, 'node_modules', '@oclif', 'plugin-help', 'oclif.manifest.json'), 'utf8'),
  )
  return JSON.stringify({...manifest, commands: {...manifest.commands, ...help.commands}})
}

/**
 * oclif loads a help class (and hooks) with require()/import() of a file, which would load a second copy of dcm
 * (and of oclif) beside the bundle, or nothing inside the executable: its module loader first looks the path up
 * among the modules the entry bundled in.
 */
const OCLIF_MODULE_LOADER_SHIM = `
;(() => {
  const nodePath = require('node:path')
  const embedded = (config, modulePath) => {
    const modules = globalThis[Symbol.for('dcm.oclif-modules')] || {}
    const root = (config && config.root) || ''
    const relative = nodePath.relative(root, nodePath.resolve(root, modulePath)).replace(/\\.[cm]?js$/, '')
    return modules[relative]
  }
  const {load, loadWithData} = exports
  exports.load = async (config, modulePath) => embedded(config, modulePath) || load(config, modulePath)
  exports.loadWithData = async (config, modulePath) => {
    const module = embedded(config, modulePath)
    return module ? {filePath: modulePath, isESM: true, module} : loadWithData(config, modulePath)
  }
})()
`
const oclifModuleLoaderShim = {
  name: 'oclif-module-loader-shim',
  setup(build) {
    build.onLoad({filter: /@oclif[\\/]core[\\/]lib[\\/]module-loader\.js$/}, async (args) => ({
      contents: readFileSync(args.path, 'utf8') + OCLIF_MODULE_LOADER_SHIM,
      loader: 'js',
    }))
  },
}

rmSync(out, {recursive: true, force: true})
mkdirSync(out, {recursive: true})
const entry = path.join(out, 'entry.cjs')
writeFileSync(entry, entrySource())
writeFileSync(path.join(out, 'oclif.manifest.json'), bundledManifest())

await build({
  entryPoints: [entry],
  outfile: path.join(out, 'dcm.cjs'),
  bundle: true,
  platform: 'node',
  format: 'cjs',
  // The oldest Node the package supports (engines); the single executable's newer Node runs it as well.
  target: `node${/\d+/.exec(pjson.engines.node)[0]}`,
  minify: true,
  // oclif and the error classes read constructor names.
  keepNames: true,
  legalComments: 'none',
  // src/core/package-files.ts finds the package root from its own URL: inside the bundle that is the URL it would
  // have in dist/ (dist/core/package-files.js), so shipped files are found where they are.
  define: {'import.meta.url': '__dcmPackageFilesUrl'},
  banner: {
    js: "var __dcmPackageFilesUrl = require('node:url').pathToFileURL(require('node:path').join(__dirname, '..', 'core', 'package-files.js')).href;",
  },
  // ssh2 tries its optional native parts (cpu-features, the sshcrypto addon) in try/catch and falls back to
  // JavaScript: leave them out so that the bundle never needs a compiler or a .node file.
  // oclif requires typescript only to read a tsconfig.json when running commands from .ts sources (development);
  // left out, that require fails and oclif goes on, as it does in any install without typescript.
  external: ['cpu-features', '*.node', 'typescript'],
  // import() becomes require(): bin/run.js runs the bundle as a vm.Script (to hand V8 its code cache), where a real
  // import() needs --experimental-vm-modules. What is imported is bundled, or built into Node (node:https); a
  // shipped module imported by path (package-files.ts) is registered by the entry above instead.
  supported: {'dynamic-import': false},
  logLevel: 'warning',
  plugins: [oclifModuleLoaderShim],
})
rmSync(entry)

// Compiled as bin/run.js compiles it (Module.wrap, same file name), so that V8 accepts the cache there.
const bundled = path.join(out, 'dcm.cjs')
const script = new vm.Script(Module.wrap(readFileSync(bundled, 'utf8')), {filename: bundled})
writeFileSync(`${bundled}.cache`, script.createCachedData())
