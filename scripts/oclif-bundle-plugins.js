// esbuild plugins that fit @oclif/core into dcm's bundle (scripts/bundle.js) and take off its start what a bundled
// CLI with a manifest does not need. OCLIF_BANNER goes at the top of the bundle: the helpers the rewritten modules
// call.
import {readFileSync} from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')

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

/**
 * oclif's CommonJS modules require everything they might use when they load: @oclif/core's index pulls in the
 * help renderer, the plugin-pattern file globbing (tinyglobby, fdir, picomatch), spinners, semver and more, ~20 ms
 * of module evaluation before a command runs, although `dcm subcloud list` uses none of them. Inside the bundle,
 * each top-level `const x_1 = require("...")` of @oclif/core becomes a lazy module: the require runs on the first
 * property read (`x_1.Config`), which is how the compiled TypeScript reads every import. `__dcmLazy` (banner) is
 * the proxy that defers it.
 */
const LAZY_REQUIRE = /^(const|var|let) (\w+) = ((?:__importDefault|__importStar)\()?require\(("[^"]+")\)(\))?;$/gm
const LAZY_EXPORT = /^exports\.(\w+) = (__importStar\()?require\(("[^"]+")\)(\))?;$/gm

/**
 * Edits of single lines of @oclif/core (as installed by package-lock.json), in any of its files or in `file`. Each
 * must apply exactly once in a build: the build stops when one no longer does, so that an oclif upgrade cannot quietly bring the cost back.
 */
const OCLIF_EDITS = [
  {
    // index.js: the engines check (see OCLIF_SHIMS below).
    why: 'engines check',
    from: /^checkNodeVersion\(\);$/m,
    to: '',
  },
  {
    // The first localeCompare of a run sets up ICU's collator (~10 ms); dcm's command ids sort the same by code
    // unit (scripts/bundle.js checks it when it builds).
    why: 'command sort',
    from: '.sort((a, b) => a.id.localeCompare(b.id))',
    to: '.sort((a, b) => __dcmCompareIds(a.id, b.id))',
  },
  {
    // Config.load given a Config builds and loads a new one, for a Config made by another @oclif/core version;
    // oclif calls it with its own at each step of a run (main, runCommand, Command.run): three loads of the same
    // config. In the bundle there is one @oclif/core: its own Config is returned as it is.
    why: 'config reload',
    from: '        if (isConfig(opts)) {\n',
    to: '        if (isConfig(opts) && opts._base === BASE)\n            return opts;\n        if (isConfig(opts)) {\n',
  },
  {
    // Config.load reads the theme files with readJson at every start: read synchronously (same result, same
    // errors for safeReadJson to swallow), node:fs/promises (~1.5 ms to load) is not loaded for it.
    why: 'theme read',
    file: /util[\\/]fs\.js$/,
    from: "const contents = await (0, promises_1.readFile)(path, 'utf8');",
    to: "const contents = (0, node_fs_1.readFileSync)(path, 'utf8');",
  },
]

const oclifLazyRequires = {
  name: 'oclif-lazy-requires',
  setup(build) {
    const applied = new Map(OCLIF_EDITS.map((edit) => [edit.why, 0]))
    build.onStart(() => applied.forEach((_, why) => applied.set(why, 0)))
    build.onLoad({filter: /@oclif[\\/]core[\\/]lib[\\/].*\.js$/}, async (args) => {
      let source = readFileSync(args.path, 'utf8')
      for (const edit of OCLIF_EDITS) {
        if (edit.file && !edit.file.test(args.path)) continue
        const edited = source.replace(edit.from, edit.to)
        if (edited !== source) applied.set(edit.why, applied.get(edit.why) + 1)
        source = edited
      }
      source = source
        .replace(
          LAZY_REQUIRE,
          (_, kind, name, wrap = '', id, close = '') =>
            `${kind} ${name} = __dcmLazy(() => ${wrap}require(${id})${close});`,
        )
        .replace(
          LAZY_EXPORT,
          (_, name, wrap = '', id, close = '') =>
            `exports.${name} = __dcmLazy(() => ${wrap}require(${id})${wrap ? ')' : ''});`,
        )
      return {contents: source, loader: 'js'}
    })
    build.onEnd(() => {
      const missed = [...applied].filter(([, count]) => count !== 1).map(([why, count]) => `${why} (${count}x)`)
      if (missed.length > 0)
        throw new Error(`@oclif/core changed: these bundle edits no longer apply once: ${missed.join(', ')}`)
    })
  },
}
/**
 * Three more things oclif does at every start that cost a short command several milliseconds and change nothing
 * in the bundle:
 * - index.js checks the running Node against @oclif/core's own `engines` by requiring its package.json by path,
 *   which the bundle does not ship (the require fails, silently, after loading semver): dcm's package.json
 *   declares the Node it supports, and the executable carries its own.
 * - Config.load asks wsl-utils whether this is WSL (reading /proc/version, looking for container marks), only to
 *   name the platform `wsl` instead of `linux` in its user agent. dcm names it as Node does, process.platform, on
 *   WSL too, as `dcm --version` does before oclif is loaded (bin/run.js, sea-main.cjs). The Windows helper stays
 *   reachable.
 * - Every oclif module makes its `debug` loggers when it loads: the debug package reads the terminal's colour
 *   support and its environment at once. Here the real one is loaded only when DEBUG is set (when it can print).
 */
const OCLIF_SHIMS = {
  'wsl-utils': `export const isWsl = false
export const powerShellPath = async (...args) => (await import('wsl-utils')).powerShellPath(...args)`,
  debug: `const disabled = Object.assign(() => {}, {enabled: false, namespace: ''})
disabled.extend = () => disabled
disabled.log = () => {}
export default function debug(namespace) {
  return process.env.DEBUG ? require('debug')(namespace) : disabled
}`,
}
const oclifStartTrims = {
  name: 'oclif-start-trims',
  setup(build) {
    build.onResolve({filter: /^(wsl-utils|debug)$/}, (args) =>
      /@oclif[\\/]core[\\/]lib[\\/]/.test(args.importer) ? {path: args.path, namespace: 'dcm-oclif-shim'} : undefined,
    )
    build.onLoad({filter: /.*/, namespace: 'dcm-oclif-shim'}, (args) => ({
      contents: OCLIF_SHIMS[args.path],
      loader: 'js',
      resolveDir: root,
    }))
  },
}

export const OCLIF_BANNER = `var __dcmLazy = (load) => {
  let module
  const target = () => (module ??= load())
  return new Proxy({}, {
    get: (_, key) => target()[key],
    set: (_, key, value) => ((target()[key] = value), true),
    has: (_, key) => key in target(),
    ownKeys: () => Reflect.ownKeys(target()),
    getOwnPropertyDescriptor: (_, key) => {
      const descriptor = Reflect.getOwnPropertyDescriptor(target(), key)
      return descriptor && {...descriptor, configurable: true}
    },
  })
};
var __dcmCompareIds = (a, b) => (a < b ? -1 : a > b ? 1 : 0);`

export const OCLIF_PLUGINS = [oclifModuleLoaderShim, oclifLazyRequires, oclifStartTrims]
