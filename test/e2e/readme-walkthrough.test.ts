import {execFileSync, spawn} from 'node:child_process'
import {promises as fs, readFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from '@jest/globals'

import {repoRoot} from '../helpers/cli.js'

/**
 * README.md's installation-guide walkthrough, run as written: the fenced blocks marked `sh install` (less the
 * `npm ci && npm run build` line the test run has done already) and `sh walkthrough` are taken from the README
 * itself, in order, and run by bash in one shell, in a clean HOME with nothing of the caller's OS_* or DCM_*,
 * no terminal and no input, with `dcm` put on PATH by the README's own `npm link` (into a throwaway npm prefix,
 * so the machine's global one is never touched). Every command must exit 0, and the last `subcloud list` must
 * show the subcloud managed, online, complete and in-sync.
 */
export interface ReadmeBlock {
  tag: string
  lines: string[]
}

/** Fenced code blocks whose info string is `sh <tag>`, with their tag. */
export function taggedBlocks(markdown: string): ReadmeBlock[] {
  const blocks: ReadmeBlock[] = []
  const fence = /^```sh ([a-z-]+)\n([\s\S]*?)^```$/gm
  for (const match of markdown.matchAll(fence)) blocks.push({tag: match[1], lines: match[2].trimEnd().split('\n')})
  return blocks
}

const readme = readFileSync(path.join(repoRoot, 'README.md'), 'utf8')
const blocks = taggedBlocks(readme)
const install = blocks.filter((block) => block.tag === 'install').flatMap((block) => block.lines)
const walkthrough = blocks.filter((block) => block.tag === 'walkthrough')

/** The namespace block needs root and iproute2; elsewhere it is left out, and the test says so. */
function netnsSkipReason(): string | undefined {
  if (process.getuid?.() !== 0) return 'not root'
  try {
    execFileSync('sh', ['-c', 'command -v ip'], {stdio: 'ignore'})
  } catch {
    return 'ip (iproute2) is not installed'
  }
  return undefined
}

let work: string
let home: string

beforeAll(async () => {
  work = await fs.mkdtemp(path.join(os.tmpdir(), 'dcm-readme-'))
  home = path.join(work, 'home')
  await fs.mkdir(home)
})

afterAll(async () => {
  if (!work) return
  // A failed run may leave its lab or namespace behind.
  const dataDir = path.join(home, '.local', 'state', 'dcm', 'lab')
  try {
    execFileSync(process.execPath, [path.join(repoRoot, 'bin', 'run.js'), 'lab', 'stop', '--data-dir', dataDir], {
      stdio: 'ignore',
    })
  } catch {
    // nothing was running
  }
  try {
    execFileSync('ip', ['netns', 'delete', 'subcloud1-console'], {stdio: 'ignore'})
  } catch {
    // not created, or deleted by the walkthrough itself
  }
  await fs.rm(work, {recursive: true, force: true})
})

describe('README.md walkthrough', () => {
  it('has the blocks this test runs', () => {
    expect(install.some((line) => line.startsWith('npm link'))).toBe(true)
    expect(walkthrough.length).toBeGreaterThanOrEqual(4)
    expect(walkthrough[0].lines[0]).toMatch(/^dcm lab start --detach && eval "\$\(dcm lab env\)"/)
    // The switch to the subcloud's shell and back are real lines, not comments.
    const all = walkthrough.flatMap((block) => block.lines)
    expect(all).toContainEqual(expect.stringMatching(/^eval "\$\(dcm lab env --subcloud subcloud1\)"/))
    expect(all.filter((line) => /^eval "\$\(dcm lab env\)"/.test(line))).toHaveLength(1)
  })

  it('runs as written, with no input: every command exits 0 and the subcloud ends managed/online/complete/in-sync', async () => {
    const skipNetns = netnsSkipReason()
    if (skipNetns) console.warn(`README walkthrough: the config-management namespace block is skipped: ${skipNetns}`)
    const runnable = walkthrough.filter((block) => !skipNetns || !block.lines.some((l) => l.startsWith('ip netns')))
    const script = [
      'set -euo pipefail',
      // Name the command that failed: -e alone stops silently.
      `trap 'echo "walkthrough: exit $? at: $BASH_COMMAND" >&2' ERR`,
      // `npm link` runs where the README runs it, in the clone; the walkthrough in the clean HOME, as an operator
      // who cloned into one directory and works in another.
      `cd ${JSON.stringify(repoRoot)}`,
      ...install.filter((line) => !line.startsWith('npm ci')),
      'cd "$HOME"',
      ...runnable.flatMap((block) => block.lines),
    ].join('\n')
    await fs.writeFile(path.join(work, 'walkthrough.sh'), script + '\n')

    const prefix = path.join(work, 'npm-prefix')
    const env: Record<string, string> = {
      HOME: home,
      PATH: [path.join(prefix, 'bin'), path.dirname(process.execPath), '/usr/sbin', '/usr/bin', '/sbin', '/bin'].join(
        ':',
      ),
      LANG: 'C.UTF-8',
      NO_COLOR: '1',
      // `npm link` as written, into a prefix of this test's own, with no network.
      NPM_CONFIG_PREFIX: prefix,
      NPM_CONFIG_OFFLINE: 'true',
      NPM_CONFIG_AUDIT: 'false',
      NPM_CONFIG_FUND: 'false',
      NPM_CONFIG_UPDATE_NOTIFIER: 'false',
      NPM_CONFIG_CACHE: path.join(work, 'npm-cache'),
    }
    const result = await new Promise<{code: number | null; stdout: string; stderr: string}>((resolve, reject) => {
      const child = spawn('bash', [path.join(work, 'walkthrough.sh')], {
        cwd: work,
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      let stdout = ''
      let stderr = ''
      child.stdout.on('data', (chunk) => (stdout += chunk))
      child.stderr.on('data', (chunk) => (stderr += chunk))
      const timer = setTimeout(() => child.kill('SIGKILL'), 240_000)
      child.on('error', reject)
      child.on('close', (code) => {
        clearTimeout(timer)
        resolve({code, stdout, stderr})
      })
    })
    await fs.writeFile(path.join(os.tmpdir(), 'dcm-readme-walkthrough.log'), result.stdout + '\n---\n' + result.stderr)
    if (result.code !== 0) throw new Error(`walkthrough exit ${result.code}\n${result.stderr.slice(-3000)}`)
    expect(result.stderr).not.toMatch(/^Error: /m)

    // The last `subcloud list` table: one row, the guide's end state.
    const tables = result.stdout.split(/^(?=\+[-+]+\n\| id +\| name +\| management )/m)
    const last = tables.at(-1)!
    const row = last
      .split('\n')[3]
      .split('|')
      .map((cell) => cell.trim())
    expect(row.slice(1, 7)).toEqual(['1', 'subcloud1', 'managed', 'online', 'complete', 'in-sync'])
    // The README's `subcloud1.yml` and the lab's data were written under the clean HOME, nowhere else.
    expect(await fs.readdir(home)).toEqual(expect.arrayContaining(['subcloud1.yml', '.local']))
  }, 300_000)
})
