#!/usr/bin/env node
// The command snapshot: every command's id, aliases, args, flags (type, char, options, default, aliases,
// exclusive, ...) and its declared --json result shape, taken from the built oclif.manifest.json. Descriptions
// are left out on purpose: help wording may change freely; names, types and JSON keys are what scripts rely on.
//   node scripts/command-snapshot.js           print the snapshot of the current build
//   node scripts/command-snapshot.js --write   update test/fixtures/command-snapshot.json (a deliberate change)
// test/unit/architecture/command-snapshot.test.ts compares the two.
import {readFileSync, writeFileSync} from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
export const SNAPSHOT_FILE = path.join(root, 'test', 'fixtures', 'command-snapshot.json')

const FLAG_KEYS = [
  'type',
  'char',
  'multiple',
  'required',
  'options',
  'default',
  'aliases',
  'charAliases',
  'exclusive',
  'dependsOn',
  'relationships',
  'allowNo',
  'env',
  'hidden',
]
const ARG_KEYS = ['required', 'options', 'default']

function pick(object, keys) {
  const out = {}
  for (const key of keys) {
    const value = object[key]
    if (value === undefined || value === false || (Array.isArray(value) && value.length === 0)) continue
    out[key] = value
  }
  return out
}

const sorted = (object) =>
  Object.fromEntries(
    Object.keys(object)
      .sort()
      .map((key) => [key, object[key]]),
  )

export function commandSnapshot(manifest) {
  const commands = {}
  for (const id of Object.keys(manifest.commands).sort()) {
    const command = manifest.commands[id]
    commands[id] = {
      aliases: command.aliases ?? [],
      args: Object.values(command.args ?? {}).map((arg) => ({name: arg.name, ...pick(arg, ARG_KEYS)})),
      flags: sorted(
        Object.fromEntries(Object.values(command.flags ?? {}).map((flag) => [flag.name, pick(flag, FLAG_KEYS)])),
      ),
      strict: command.strict !== false,
      json: command.enableJsonFlag ? (command.jsonShape ?? null) : 'no --json',
    }
  }
  return {commands}
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) {
  const manifest = JSON.parse(readFileSync(path.join(root, 'oclif.manifest.json'), 'utf8'))
  const text = `${JSON.stringify(commandSnapshot(manifest), null, 2)}\n`
  if (process.argv.includes('--write')) {
    writeFileSync(SNAPSHOT_FILE, text)
    console.log(`wrote ${path.relative(root, SNAPSHOT_FILE)}`)
  } else process.stdout.write(text)
}
