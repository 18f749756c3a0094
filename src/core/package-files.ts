/**
 * The files dcm ships beside its code (schemas/, templates/, oclif.manifest.json, the generated validators), read
 * the same way whether dcm runs from its npm package (files under the package root) or as the single executable
 * (`npm run package`), where they are embedded as SEA assets and the generated modules are bundled in. This module
 * alone decides which; callers name a file by its path relative to the package root.
 */
import {readFileSync} from 'node:fs'
import path from 'node:path'
import * as sea from 'node:sea'
import {fileURLToPath, pathToFileURL} from 'node:url'

/** True inside the single executable (a Node SEA): there is no package directory, only embedded assets. */
export const runningAsSingleExecutable: boolean = sea.isSea()

/**
 * The package root: two levels above dist/core (or src/core under the tests). Inside the single executable
 * import.meta.url is not a file, so the binary's own directory stands in (nothing is read from it).
 */
export const packageRoot: string = runningAsSingleExecutable
  ? path.dirname(process.execPath)
  : path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')

/** An absolute path for a package file, for messages and for the tools that write them (codegen, manifest). */
export function packagePath(relativePath: string): string {
  return path.join(packageRoot, relativePath)
}

/** A shipped text file by its package-relative path (`schemas/bootstrap-values.schema.json`). */
export function readPackageFile(relativePath: string): string {
  if (runningAsSingleExecutable) return sea.getAsset(assetKey(relativePath), 'utf8')
  return readFileSync(packagePath(relativePath), 'utf8')
}

/** The SEA asset key of a package file: its relative path with forward slashes (the build uses the same rule). */
export function assetKey(relativePath: string): string {
  return relativePath.split(path.sep).join('/')
}

const embeddedModules = new Map<string, () => unknown>()

/**
 * Make a shipped ES module (generated code) importable inside the single executable, where import() of a file
 * does not work: the executable's entry bundles it and registers a loader under its package-relative path (called
 * on first use, so that a command which never validates never evaluates the validators).
 */
export function registerEmbeddedModule(relativePath: string, load: () => unknown): void {
  embeddedModules.set(assetKey(relativePath), load)
}

/** Import a shipped module: the embedded copy in the single executable, else the file under the package root. */
export async function importPackageModule<T>(relativePath: string): Promise<T> {
  const embedded = embeddedModules.get(assetKey(relativePath))
  if (embedded) return embedded() as T
  if (runningAsSingleExecutable) throw new Error(`${relativePath} is not embedded in this executable`)
  return (await import(pathToFileURL(packagePath(relativePath)).href)) as T
}
