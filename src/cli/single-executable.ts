import {type Command, Config, execute, Plugin} from '@oclif/core'
import type {PJSON} from '@oclif/core/interfaces'

/**
 * The start of dcm as a single executable (scripts/package.js bundles this with every command). oclif normally
 * finds commands and plugins by reading package.json and walking dist/commands; inside the executable there are no
 * such files, so the root plugin is built here from the embedded package.json and given the command classes
 * up front (oclif's "explicit" discovery, without the import of a target file).
 */
export async function runSingleExecutable(pjson: PJSON, commands: Record<string, Command.Class>): Promise<void> {
  const root = (await import('node:path')).dirname(process.execPath)
  const embedded: PJSON = {
    ...pjson,
    oclif: {
      ...pjson.oclif,
      // Plugins are bundled as commands (help); none is loaded from node_modules.
      plugins: [],
      commands: {strategy: 'explicit', target: './single-executable', identifier: 'COMMANDS'},
    },
  }
  const plugin = new Plugin({root, pjson: embedded, isRoot: true, ignoreManifest: true})
  // loadCommandsFromTarget() returns this cache when it is set: no file is imported.
  ;(plugin as unknown as {commandCache: Record<string, Command.Class>}).commandCache = commands
  await plugin.load()
  const config = await Config.load({root, pjson: embedded, plugins: new Map([[plugin.name, plugin]])})
  await execute({loadOptions: config})
}
