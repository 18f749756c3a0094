#!/usr/bin/env node
// `oclif manifest` lists commands in the order its asynchronous directory walk finds them, which differs from one
// machine to the next. Sort them by id so that the committed manifest is reproducible and CI's staleness check
// (`git diff --exit-code oclif.manifest.json`) fails only when a command or flag really changed.
import {readFileSync, writeFileSync} from 'node:fs'

const file = new URL('../oclif.manifest.json', import.meta.url)
const manifest = JSON.parse(readFileSync(file, 'utf8'))
const commands = Object.fromEntries(Object.keys(manifest.commands).sort().map((id) => [id, manifest.commands[id]]))
writeFileSync(file, JSON.stringify({...manifest, commands}, null, 2) + '\n')
