#!/usr/bin/env node
// Runs every bench/*.bench.js in name order against the built CLI (run `npm run build` first).
// Each prints its own figures; this runner only sequences them so the numbers do not disturb each other.
import {readdirSync} from 'node:fs'
import path from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))
const only = process.argv.slice(2)
const files = readdirSync(here)
  .filter((name) => name.endsWith('.bench.js'))
  .filter((name) => only.length === 0 || only.some((word) => name.includes(word)))
  .sort()
for (const name of files) {
  console.log(`\n## ${name.replace(/\.bench\.js$/, '')}`)
  const bench = await import(pathToFileURL(path.join(here, name)).href)
  await bench.default()
}
