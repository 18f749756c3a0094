import {type Command, Config, execute, Interfaces, Plugin, settings} from '@oclif/core'

import {readPackageFile} from '../core/package-files.js'

/**
 * The start of dcm as a single executable (scripts/package.js bundles this with every command). oclif normally
 * reads package.json and oclif.manifest.json from the package directory and imports command files; inside the
 * executable there are no such files. So the root plugin is built here from the embedded package.json, takes its
 * manifest from the embedded asset (listing and help need no command class), and finds command classes in
 * `commands`, whose properties load a command's module only when read: `dcm subcloud list` evaluates the code of
 * `subcloud list`, not of the lab or the bootstrap engine.
 */
export async function runSingleExecutable(
  pjson: Interfaces.PJSON,
  commands: Record<string, Command.Class>,
): Promise<void> {
  // As bin/run.js: never look for TypeScript sources (there are none inside the executable).
  settings.enableAutoTranspile = false
  const root = (await import('node:path')).dirname(process.execPath)
  const embedded: Interfaces.PJSON = {
    ...pjson,
    oclif: {
      ...pjson.oclif,
      // Plugins are bundled as commands (help); none is loaded from node_modules.
      plugins: [],
      commands: {strategy: 'explicit', target: './single-executable', identifier: 'COMMANDS'},
    },
  }
  const manifest = JSON.parse(readPackageFile('oclif.manifest.json')) as Interfaces.Manifest
  const plugin = new Plugin({root, pjson: embedded, isRoot: true})
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
  const config = await Config.load({root, pjson: embedded, plugins: new Map([[plugin.name, plugin]])})
  await execute({loadOptions: config})
}
