import {type Command, Config, execute, Interfaces, Plugin, settings} from '@oclif/core'

import {packageRoot, runningAsSingleExecutable} from '../core/package-files.js'
import {readRunManifest, withHelpFields} from './bundled-manifest.js'

/**
 * The start of dcm as one bundled script (scripts/bundle.js bundles this with every command): what bin/run.js runs,
 * and what the single executable (`npm run package`) is made of. oclif normally reads package.json and
 * oclif.manifest.json from the package directory and imports command files one by one; here the root plugin is
 * built from the bundled package.json, takes its manifest from dist/bundle/ (embedded assets inside the
 * executable; bundled-manifest.ts: listing and help need no command class), and finds command classes in `commands`, whose
 * properties load a command's module only when read: `dcm subcloud list` evaluates the code of `subcloud list`, not
 * of the lab or the bootstrap engine.
 */
export async function runBundled(pjson: Interfaces.PJSON, commands: Record<string, Command.Class>): Promise<void> {
  // As bin/run.js: never look for TypeScript sources (there are none in the bundle).
  settings.enableAutoTranspile = false
  // Inside the executable there is no package directory: its own stands in (nothing is read from it).
  const root = runningAsSingleExecutable ? (await import('node:path')).dirname(process.execPath) : packageRoot
  const bundled: Interfaces.PJSON = {
    ...pjson,
    oclif: {
      ...pjson.oclif,
      // Plugins are bundled as commands (help); none is loaded from node_modules.
      plugins: [],
      commands: {strategy: 'explicit', target: './bundled', identifier: 'COMMANDS'},
    },
  }
  const manifest = readRunManifest()
  const plugin = new Plugin({root, pjson: bundled, isRoot: true})
  // Two private hooks of oclif's Plugin, set on the instance: loadCommandsFromTarget() returns `commandCache` when
  // set (no import of a target file), and load() takes the manifest from `_manifest()` (no read of a file).
  Object.assign(plugin, {
    commandCache: commands,
    _manifest: async () => {
      Object.assign(plugin, {hasManifest: true, commandIDs: Object.keys(manifest.commands)})
      return manifest
    },
  })
  await plugin.load()
  withHelpFields(plugin.commands)
  const config = await Config.load({root, pjson: bundled, plugins: new Map([[plugin.name, plugin]])})
  await execute({loadOptions: config})
}
