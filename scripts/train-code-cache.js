#!/usr/bin/env node
// V8's code cache for the bundle, made by the Node that will run it (bin/run.js: the one that compiles; the single
// executable: the pinned one), after a real `dcm subcloud list` against a lab of three subclouds with a cached
// token: the cache then holds the functions a short command compiles (oclif's start, the flags, the API client,
// the table), which V8 would otherwise compile at every start (~15% of `subcloud list` of one subcloud).
// When no lab can be started here, the cache is made from the compiled top level alone, as before, with a warning.
//   node scripts/train-code-cache.js NODE BUNDLE CACHE_OUT
import {execFileSync} from 'node:child_process'
import os from 'node:os'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

const here = path.dirname(fileURLToPath(import.meta.url))
const [node, bundle, cacheOut] = process.argv.slice(2)
if (!node || !bundle || !cacheOut) throw new Error('usage: train-code-cache.js NODE BUNDLE CACHE_OUT')

const child = path.join(here, 'code-cache-child.cjs')

try {
  const {startSeededLab} = await import('../bench/lab-seed.js')
  const lab = await startSeededLab({count: 3})
  try {
    const env = {...cleanEnvironment(), ...lab.env}
    const run = () =>
      execFileSync(node, [child, bundle, cacheOut, 'subcloud', 'list'], {
        env,
        stdio: 'pipe',
        timeout: 60_000,
      })
    run() // authenticates and caches the token
    run() // the run an operator repeats: cached token; its cache is the one kept
  } finally {
    await lab.stop()
  }
} catch (error) {
  console.warn(`code cache not trained (${String(error.message ?? error).split('\n')[0]}): top level only`)
  execFileSync(node, [child, bundle, cacheOut], {stdio: 'inherit'})
}

/** The environment without dcm's and OpenStack's own variables (the lab's are set) and without a pager or colour. */
function cleanEnvironment() {
  const env = {...process.env, NO_COLOR: '1', HOME: process.env.HOME ?? os.homedir()}
  for (const key of Object.keys(env)) if (/^(OS_|DCM_|CLIFF_)/.test(key) || key === 'NODE_OPTIONS') delete env[key]
  return env
}
