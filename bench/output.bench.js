// In-process cost of rendering a 5,000-subcloud `subcloud list` in each output format (the built dist/ renderer).
import path from 'node:path'
import {fileURLToPath, pathToFileURL} from 'node:url'

import {fmt, median} from './measure.js'

const here = path.dirname(fileURLToPath(import.meta.url))
const ROWS = 5000
const RUNS = 7

const DEPLOY = ['complete', 'bootstrap-failed', 'not-deployed', 'bootstrapping', 'install-failed']

/** Rows in `subcloud list` column order (SUBCLOUD_LIST). */
function subclouds(count) {
  return Array.from({length: count}, (_, i) => [
    i + 1,
    `subcloud${i + 1}`,
    i % 3 ? 'managed' : 'unmanaged',
    i % 5 ? 'online' : 'offline',
    DEPLOY[i % DEPLOY.length],
    i % 7 ? 'in-sync' : 'out-of-sync',
    i % 11 ? null : 'complete-central',
    i % 13 ? null : 'prestage-failed',
  ])
}

export default async function () {
  const dist = (module) => import(pathToFileURL(path.join(here, '../dist/core', module)).href)
  const {defaultOutputOptions, formatList} = await dist('output/index.js')
  const {SUBCLOUD_LIST: COLUMNS} = await dist('subclouds/columns.js')
  const rows = subclouds(ROWS)
  const cases = [
    ['table', {format: 'table'}],
    ['table --max-width 60 (wrapping)', {format: 'table', maxWidth: 60}],
    ['table --sort-column sync', {format: 'table', sortColumns: ['sync']}],
    ['json', {format: 'json'}],
    ['csv', {format: 'csv'}],
    ['yaml', {format: 'yaml'}],
    ['value', {format: 'value'}],
  ]
  console.log(`rendering ${ROWS} subcloud rows x ${COLUMNS.length} columns, median of ${RUNS} runs after 1 warm-up`)
  for (const [name, overrides] of cases) {
    const options = defaultOutputOptions(overrides)
    let bytes = formatList(COLUMNS, rows, options).length
    const times = []
    for (let i = 0; i < RUNS; i++) {
      const start = process.hrtime.bigint()
      bytes = formatList(COLUMNS, rows, options).length
      times.push(Number(process.hrtime.bigint() - start) / 1e6)
    }
    console.log(`  ${name.padEnd(32)} ${fmt(median(times)).padStart(10)}   (${(bytes / 1024).toFixed(0)} KiB)`)
  }
}
