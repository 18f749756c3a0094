import {spawnSync} from 'node:child_process'
import {promises as fs} from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import {gunzipSync, gzipSync} from 'node:zlib'

import {expectOk, fixturesDir, repoRoot, runDcm} from '../helpers/cli.js'
import {startTestLab, type TestLab} from '../helpers/lab.js'

/**
 * `subcloud list` at fleet size (issue 16): 5,000 subclouds seeded by the benchmark's deterministic seed
 * (bench/lab-seed.js, every tenth one unmanaged/offline), printed as table, json and csv, held byte for byte
 * against gzip goldens. The goldens were generated once by this test with DCM_UPDATE_GOLDENS=1; any change in
 * rows printed, order, padding or escaping at 5,000 rows shows here. Needs the built CLI, like runDcm.
 */
const COUNT = 5000
const goldenDir = path.join(fixturesDir, 'output', 'fleet-5000')
const update = process.env.DCM_UPDATE_GOLDENS === '1'

const FORMATS: Array<[string, string[]]> = [
  ['subcloud-list.txt.gz', []],
  ['subcloud-list.json.gz', ['-f', 'json']],
  ['subcloud-list.csv.gz', ['-f', 'csv']],
]

let lab: TestLab
let dataDir: string

beforeAll(async () => {
  dataDir = await fs.mkdtemp(path.join(os.tmpdir(), 'dcm-fleet-'))
  // The bench's seed writes state.json straight away (no 5,000 API calls); it runs over dist/ like runDcm.
  const seed = spawnSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      'const {seedLabState} = await import(process.argv[1]); await seedLabState(process.argv[2], Number(process.argv[3]))',
      path.join(repoRoot, 'bench', 'lab-seed.js'),
      dataDir,
      String(COUNT),
    ],
    {encoding: 'utf8'},
  )
  if (seed.status !== 0) throw new Error(`seeding the lab failed: ${seed.stderr}`)
  lab = await startTestLab({dataDir})
}, 60_000)

afterAll(async () => {
  await lab?.stop()
  await fs.rm(dataDir, {recursive: true, force: true})
})

test.each(FORMATS)(
  'subcloud list at 5,000 subclouds matches %s',
  async (golden, format) => {
    const result = expectOk(await runDcm(['subcloud', 'list', ...format], {env: lab.env}))
    const file = path.join(goldenDir, golden)
    if (update) {
      await fs.mkdir(goldenDir, {recursive: true})
      await fs.writeFile(file, gzipSync(result.stdout, {level: 9}))
    }
    const expected = gunzipSync(await fs.readFile(file)).toString('utf8')
    // Compare lengths and the first differing line before the whole text: a 570 KB diff helps nobody.
    const actualLines = result.stdout.split('\n')
    const expectedLines = expected.split('\n')
    const first = expectedLines.findIndex((line, index) => line !== actualLines[index])
    expect({lines: actualLines.length, firstDifference: first === -1 ? undefined : actualLines[first]}).toEqual({
      lines: expectedLines.length,
      firstDifference: undefined,
    })
    expect(result.stdout === expected).toBe(true)
  },
  60_000,
)
