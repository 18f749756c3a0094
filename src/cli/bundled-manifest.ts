import type {Command, Interfaces} from '@oclif/core'

import {readPackageFile} from '../core/package-files.js'

/**
 * The bundled start's command manifest in two files (scripts/bundle.js writes both): the whole one, for help,
 * completion and suggestions, and a light one that every run parses, without the fields only those read. The
 * light one is ~70 KB of the whole's ~750 KB: parsing and copying the whole cost a few milliseconds of every
 * `dcm subcloud list`.
 */
export const BUNDLED_MANIFEST = 'dist/bundle/oclif.manifest.json'
export const RUN_MANIFEST = 'dist/bundle/oclif.manifest.run.json'

/** What the light manifest leaves out (a command without a summary keeps its description: topics read it). */
export const MANIFEST_HELP_FIELDS = ['flags', 'args', 'examples', 'description', 'jsonShape'] as const

export function readRunManifest(): Interfaces.Manifest {
  return JSON.parse(readPackageFile(RUN_MANIFEST)) as Interfaces.Manifest
}

/**
 * Give the commands oclif built from the light manifest the fields it left out, as getters that read the whole
 * manifest on first use: help, `dcm autocomplete` and anything else that asks finds them where oclif puts them.
 */
export function withHelpFields(commands: Command.Loadable[]): void {
  let whole: Interfaces.Manifest | undefined
  const wholeCommand = (id: string) => {
    whole ??= JSON.parse(readPackageFile(BUNDLED_MANIFEST)) as Interfaces.Manifest
    return whole.commands[id] as unknown as Record<string, unknown> | undefined
  }
  for (const command of commands) {
    // The id now: help writes the displayed form (`lab start`) into the object it is given.
    const {id} = command
    for (const field of MANIFEST_HELP_FIELDS) {
      if (Object.hasOwn(command, field)) continue
      Object.defineProperty(command, field, {
        configurable: true,
        enumerable: true,
        get: () => wholeCommand(id)?.[field],
      })
    }
  }
}
