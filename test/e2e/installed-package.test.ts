import {spawn, spawnSync} from 'node:child_process'
import {existsSync, promises as fs} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {afterAll, beforeAll, describe, expect, it} from '@jest/globals'

import {type CliResult, expectOk, parseExports} from '../helpers/cli.js'

/**
 * The Debian package, installed (`dpkg -i dist-bin/dcm_*.deb`, which .ci/run does after `npm run package`), on a
 * machine without Node: every step runs /usr/bin/dcm under `env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin`, from a
 * directory outside the repository, in a private mount namespace where every `node` on that PATH is hidden under
 * /dev/null (the CI machine has one in /usr/bin; the lab that `lab start --detach` leaves running inherits the
 * namespace). The guide's flow: lab start, subcloud add --wait over SSH, host-route-add, manage, list.
 */
const BINARY = '/usr/bin/dcm'
const PATH = '/usr/sbin:/usr/bin:/sbin:/bin'
const SYSADMIN_PASSWORD = 'Inst4lled-Deb*Secret'
const BOOTSTRAP_VALUES = `system_mode: simplex
name: subcloud1
management_subnet: 192.168.101.0/24
management_start_address: 192.168.101.2
management_end_address: 192.168.101.50
management_gateway_address: 192.168.101.1
systemcontroller_gateway_address: 192.168.204.101
external_oam_subnet: 10.10.10.0/24
external_oam_gateway_address: 10.10.10.1
external_oam_floating_address: 10.10.10.12
`
/** Hide node, then run dcm with nothing but PATH, HOME and the given variables. */
const WITHOUT_NODE = `for n in node nodejs; do p=$(PATH=${PATH} command -v "$n") && mount --bind /dev/null "$(readlink -f "$p")"; done
exec env -i "$@"`

function skipReason(): string | undefined {
  const status = spawnSync('dpkg-query', ['-W', '-f', '${Status}', 'dcm'], {encoding: 'utf8'})
  if (status.stdout !== 'install ok installed' || !existsSync(BINARY))
    return 'the dcm .deb is not installed (.ci/run: npm run package && dpkg -i dist-bin/dcm_*_amd64.deb)'
  if (spawnSync('unshare', ['--mount', 'true']).status !== 0)
    return 'cannot make a mount namespace to hide node (needs root: .ci/run runs as root)'
  return undefined
}

const reason = skipReason()
const describeInstalled = reason ? describe.skip : describe

let workDir: string
let home: string
let dataDir: string

/** One step: /usr/bin/dcm without node, cwd outside the repository. */
function dcm(args: string[], env: Record<string, string> = {}, input = ''): Promise<CliResult> {
  return withoutNode([BINARY, ...args], env, input)
}

/** Any command in the namespace where node is hidden, with nothing in its environment but PATH, HOME and `env`. */
function withoutNode(argv: string[], env: Record<string, string> = {}, input = ''): Promise<CliResult> {
  const assignments = Object.entries({PATH, HOME: home, ...env}).map(([key, value]) => `${key}=${value}`)
  return new Promise((resolve, reject) => {
    const child = spawn(
      'unshare',
      ['--mount', '--propagation', 'private', 'sh', '-c', WITHOUT_NODE, 'sh', ...assignments, ...argv],
      {cwd: workDir, env: {PATH}, stdio: ['pipe', 'pipe', 'pipe']},
    )
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk) => (stdout += chunk))
    child.stderr.on('data', (chunk) => (stderr += chunk))
    child.on('error', reject)
    child.on('close', (code) => resolve({code, stdout, stderr}))
    child.stdin.end(input)
  })
}

if (reason) console.warn(`installed-package e2e skipped: ${reason}`)

describeInstalled('the installed .deb, with no node on PATH', () => {
  beforeAll(async () => {
    workDir = await fs.mkdtemp(path.join(os.tmpdir(), 'dcm-deb-'))
    home = path.join(workDir, 'home')
    dataDir = path.join(workDir, 'lab')
    await fs.mkdir(home, {recursive: true})
    await fs.writeFile(path.join(workDir, 'subcloud1.yaml'), BOOTSTRAP_VALUES)
  })
  afterAll(async () => {
    if (dataDir) await dcm(['lab', 'stop', '--data-dir', dataDir])
    if (workDir) await fs.rm(workDir, {recursive: true, force: true})
  })

  it('ships the binary, completion for bash and zsh, dcm(1) and the copyright file', async () => {
    const files = spawnSync('dpkg', ['-L', 'dcm'], {encoding: 'utf8'}).stdout.split('\n')
    expect(files).toEqual(
      expect.arrayContaining([
        '/usr/bin/dcm',
        '/usr/share/bash-completion/completions/dcm',
        '/usr/share/zsh/vendor-completions/_dcm',
        '/usr/share/man/man1/dcm.1.gz',
        '/usr/share/doc/dcm/copyright',
      ]),
    )
    const version = await dcm(['version', '--verbose', '-f', 'json'])
    expectOk(version)
    expect(JSON.parse(version.stdout)).toMatchObject({single_executable: 'yes', executable: BINARY})
    // --version answers before oclif loads: the same line as oclif's own (`dcm version`).
    const line = expectOk(await dcm(['--version'])).stdout
    expect(line).toMatch(/^dcm\/\d+\.\d+\.\d+ linux-x64 node-v26\.\d+\.\d+\n$/)
    expect(expectOk(await dcm(['version'])).stdout).toBe(line)
    expect(expectOk(await dcm(['--help'])).stdout).toMatch(/^ENVIRONMENT\n {2}OS_AUTH_URL /m)
    const man = spawnSync('sh', ['-c', 'gzip -dc /usr/share/man/man1/dcm.1.gz'], {encoding: 'utf8'}).stdout
    expect(man).toContain('.SS "dcm subcloud add"')
    expect(man).toContain('.SH ENVIRONMENT')
    // Nothing in this environment could run a script with node: the binary is its own runtime.
    const node = await withoutNode(['sh', '-c', 'command -v node nodejs || echo "no node"'])
    expect(node.stdout).toBe('no node\n')
  })

  it('runs the guide: lab start, subcloud add --wait over SSH, host-route-add, manage, list', async () => {
    expectOk(await dcm(['lab', 'start', '--detach', '--data-dir', dataDir]))
    const scEnv = parseExports(expectOk(await dcm(['lab', 'env', '--data-dir', dataDir])).stdout)
    const values = path.join(workDir, 'subcloud1.yaml')
    const secret = `${SYSADMIN_PASSWORD}\n`
    const hostArgs = ['--data-dir', dataDir, '--bootstrap-values', values, '--duration', '1']
    expectOk(await dcm(['lab', 'host', 'add', 'subcloud1', ...hostArgs, '--sysadmin-password-stdin'], scEnv, secret))
    const added = await dcm(
      ['subcloud', 'add', '--bootstrap-address', '10.10.10.12', '--bootstrap-values', values].concat([
        '--sysadmin-password-stdin',
        '--wait',
        '--timeout',
        '120',
        '--poll-interval',
        '250',
      ]),
      scEnv,
      secret,
    )
    expectOk(added)
    expect(added.stderr).toContain('pre-flight [PASS] sysadmin password accepted')

    const subEnv = parseExports(
      expectOk(await dcm(['lab', 'env', '--data-dir', dataDir, '--subcloud', 'subcloud1'])).stdout,
    )
    expectOk(await dcm(['host-route-add', 'controller-0', 'enp0s8', '192.168.204.0', '24', '192.168.101.1'], subEnv))
    expectOk(await dcm(['subcloud', 'manage', 'subcloud1'], scEnv))
    const list = await dcm(['subcloud', 'list', '-f', 'json'], scEnv)
    expectOk(list)
    expect(JSON.parse(list.stdout)).toEqual([
      expect.objectContaining({name: 'subcloud1', management: 'managed', availability: 'online', sync: 'in-sync'}),
    ])
  })
})
