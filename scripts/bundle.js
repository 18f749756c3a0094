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
// 3. dist/bundle/oclif.manifest.json is the manifest it lists and helps from: dcm's commands and plugin-help's `help`;
//    oclif.manifest.run.json the same without what only help reads, parsed at every start (bundled-manifest.ts).
// 4. dist/bundle/dcm.cjs.cache is V8's code cache for it, made by the Node that compiles after a training run
//    (scripts/train-code-cache.js; bin/run.js hands it to V8, which rejects a cache of another version).
// Needs dist/ (tsc) and oclif.manifest.json: `npm run compile` runs it after both.
import {execFileSync} from 'node:child_process'
import {mkdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

import {build} from 'esbuild'

import {MANIFEST_HELP_FIELDS} from '../dist/cli/bundled-manifest.js'
import {OCLIF_BANNER, OCLIF_PLUGINS} from './oclif-bundle-plugins.js'

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
    '',
  ].join('\n')
}

/**
 * The manifest the bundle lists and helps from: dcm's commands and plugin-help's `help`. Its ids must sort the
 * same by code unit as by localeCompare (oclif's order, see oclif-bundle-plugins.js): a new id that does not stops the
 * build.
 */
function bundledManifest() {
  const help = JSON.parse(
    readFileSync(path.join(root, 'node_modules', '@oclif', 'plugin-help', 'oclif.manifest.json'), 'utf8'),
  )
  const commands = {...manifest.commands, ...help.commands}
  const ids = Object.keys(commands)
  const byLocale = [...ids].sort((a, b) => a.localeCompare(b)).join(' ')
  if (byLocale !== [...ids].sort().join(' '))
    throw new Error("command ids sort differently by localeCompare than by code unit: update the bundle's sort")
  return {...manifest, commands}
}

/**
 * The same manifest without what only help, completion and suggestions read (MANIFEST_HELP_FIELDS: flags, args,
 * examples, descriptions: nine tenths of its 750 KB), which every run parses: src/cli/bundled.ts reads those
 * fields from the whole manifest when something asks for them. A command without a summary keeps its
 * description, which oclif reads at every start to describe topics.
 */
function runManifest(whole) {
  const commands = Object.fromEntries(
    Object.entries(whole.commands).map(([id, command]) => {
      const light = {...command}
      for (const field of MANIFEST_HELP_FIELDS) if (field !== 'description' || light.summary) delete light[field]
      return [id, light]
    }),
  )
  return {...whole, commands}
}

/**
 * The bundle in ASCII: the single executable reads it as Latin-1 (scripts/sea-main.cjs), and V8 keeps a one-byte
 * string for it, half the memory and faster to scan than the two-byte string one non-ASCII character makes of 2 MB.
 * esbuild escapes every string and identifier (charset: 'ascii') but copies regular expression literals as they are:
 * a character left there (ansi-regex's U+009B) becomes a \\uXXXX escape, which means the same character in a
 * regular expression, with or without the u flag.
 */
function asciiOnly(file) {
  const source = readFileSync(file, 'utf8')
  const escaped = source.replace(/[^\x00-\x7f]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`)
  if (escaped !== source) writeFileSync(file, escaped)
}

rmSync(out, {recursive: true, force: true})
mkdirSync(out, {recursive: true})
const entry = path.join(out, 'entry.cjs')
writeFileSync(entry, entrySource())
const wholeManifest = bundledManifest()
writeFileSync(path.join(out, 'oclif.manifest.json'), JSON.stringify(wholeManifest))
writeFileSync(path.join(out, 'oclif.manifest.run.json'), JSON.stringify(runManifest(wholeManifest)))

const bundled = path.join(out, 'dcm.cjs')
await build({
  entryPoints: [entry],
  outfile: bundled,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  // The oldest Node the package supports (engines); the single executable's newer Node runs it as well.
  target: `node${/\d+/.exec(pjson.engines.node)[0]}`,
  // DCM_BUNDLE_PLAIN=1 (when building by hand) keeps names and lines readable for a CPU profile.
  minify: !process.env.DCM_BUNDLE_PLAIN,
  // oclif and the error classes read constructor names.
  keepNames: true,
  legalComments: 'none',
  // ASCII (asciiOnly below).
  charset: 'ascii',
  // src/core/package-files.ts finds the package root from its own URL: inside the bundle that is the URL it would
  // have in dist/ (dist/core/package-files.js), so shipped files are found where they are.
  define: {'import.meta.url': '__dcmPackageFilesUrl'},
  banner: {
    js:
      OCLIF_BANNER +
      "var __dcmPackageFilesUrl = require('node:url').pathToFileURL(require('node:path').join(__dirname, '..', 'core', 'package-files.js')).href;",
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
  plugins: OCLIF_PLUGINS,
})
rmSync(entry)
asciiOnly(bundled)

// V8's code cache, for the Node that compiles (bin/run.js hands it to V8, which rejects one of another Node).
execFileSync(
  process.execPath,
  [path.join(root, 'scripts', 'train-code-cache.js'), process.execPath, bundled, `${bundled}.cache`],
  {
    stdio: 'inherit',
  },
)
