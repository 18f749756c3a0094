/**
 * What `dcm version --verbose` reports about the running dcm: the runtime, the OS, and how this dcm was built (the
 * single executable carries a build.json asset written by `npm run package`; the npm package has none).
 */
import os from 'node:os'

import {readPackageFile, runningAsSingleExecutable} from './package-files.js'

export interface BuildInfo {
  /** `single executable` or `npm package`. */
  form: string
  /** The git commit the executable was built from, `unknown` outside a git checkout; absent for the npm package. */
  commit?: string
  /** When `npm run package` built the executable (ISO 8601). */
  builtAt?: string
}

export interface RuntimeInfo {
  node: string
  v8: string
  openssl: string
  os: string
  arch: string
  libc: string
  singleExecutable: boolean
  build: BuildInfo
}

export function buildInfo(): BuildInfo {
  if (!runningAsSingleExecutable) return {form: 'npm package'}
  const build = JSON.parse(readPackageFile('build.json')) as {commit?: string; builtAt?: string}
  return {form: 'single executable', commit: build.commit, builtAt: build.builtAt}
}

export function runtimeInfo(): RuntimeInfo {
  const glibc = (process.report?.getReport() as {header?: {glibcVersionRuntime?: string}} | undefined)?.header
    ?.glibcVersionRuntime
  return {
    node: process.version,
    v8: process.versions.v8,
    openssl: process.versions.openssl,
    os: `${os.type()} ${os.release()}`,
    arch: process.arch,
    libc: glibc ? `glibc ${glibc}` : 'unknown',
    singleExecutable: runningAsSingleExecutable,
    build: buildInfo(),
  }
}
