import {spawn} from 'node:child_process'
import {promises as fs} from 'node:fs'
import https from 'node:https'
import os from 'node:os'
import path from 'node:path'

import {afterAll, describe, expect, test} from '@jest/globals'

import {repoRoot, runDcm} from '../helpers/cli.js'

/** `dcm lab start|status|env|stop|demo` through the built CLI, as an operator types them. */
const dirs: string[] = []
afterAll(async () => {
  for (const dir of dirs) {
    await runDcm(['lab', 'stop', '--data-dir', dir])
    await fs.rm(dir, {recursive: true, force: true})
  }
})

async function dataDir(): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'dcm-lab-cli-'))
  dirs.push(dir)
  return dir
}

function parseEnv(text: string): Record<string, string> {
  const env: Record<string, string> = {}
  for (const line of text.trim().split('\n')) {
    if (line.startsWith('# ')) continue
    const match = /^export ([A-Z_]+)=(.*)$/.exec(line)
    if (!match) throw new Error(`not an export line: ${line}`)
    env[match[1]] = match[2].replace(/^'(.*)'$/, '$1')
  }
  return env
}

describe('dcm lab start --detach / status / env / stop', () => {
  test('the lifecycle of a background lab, and a second lab beside it', async () => {
    const dir = await dataDir()
    const start = await runDcm([
      'lab',
      'start',
      '--detach',
      '--data-dir',
      dir,
      '--deployer',
      'simulated',
      '--time-scale',
      '0.05',
    ])
    expect(start.stderr).toBe('')
    expect(start.code).toBe(0)
    expect(start.stdout).toMatch(/^Lab started in the background \(pid \d+\): http:\/\/127\.0\.0\.1:\d+\n/)

    const status = await runDcm(['lab', 'status', '--data-dir', dir, '-f', 'json'])
    expect(status.code).toBe(0)
    const shown = JSON.parse(status.stdout) as Record<string, unknown>
    // The deployer chosen is shown, so nobody mistakes a simulation for a real run.
    expect(shown).toMatchObject({state: 'running', deployer: 'simulated', subclouds: 0, data_dir: dir, tls_ca: null})
    expect(String(shown.url)).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)

    const envOut = await runDcm(['lab', 'env', '--data-dir', dir])
    expect(envOut.code).toBe(0)
    const env = parseEnv(envOut.stdout)
    expect(Object.keys(env)).toEqual([
      'OS_AUTH_URL',
      'OS_USERNAME',
      'OS_PASSWORD',
      'OS_PROJECT_NAME',
      'OS_USER_DOMAIN_NAME',
      'OS_PROJECT_DOMAIN_NAME',
      'OS_REGION_NAME',
      'OS_INTERFACE',
      'OS_IDENTITY_API_VERSION',
      // The lab hosts' SSH settings (charter D2), so pre-flight and direct bootstraps reach them.
      'DCM_SSH_CONFIG',
      'DCM_KNOWN_HOSTS',
      // Later `dcm lab ...` commands in that shell find the same lab.
      'DCM_LAB_DIR',
      // The lab hosts' sysadmin password, so `lab host add` and `subcloud add` run without a prompt.
      'DCM_SYSADMIN_PASSWORD',
    ])
    expect(envOut.stdout).toMatch(/^# lab value: the sysadmin password of this lab's simulated hosts only/m)
    expect(env.DCM_SYSADMIN_PASSWORD).toBe((await fs.readFile(path.join(dir, 'lab-sysadmin-password'), 'utf8')).trim())
    expect((await fs.stat(path.join(dir, 'lab-sysadmin-password'))).mode & 0o777).toBe(0o600)
    expect(env).toMatchObject({
      OS_AUTH_URL: `${shown.url}/identity/v3`,
      OS_USERNAME: 'admin',
      OS_REGION_NAME: 'RegionOne',
    })
    expect(env.OS_PASSWORD).toBe((await fs.readFile(path.join(dir, 'admin-password'), 'utf8')).trim())
    expect((await fs.stat(path.join(dir, 'admin-password'))).mode & 0o777).toBe(0o600)

    // The environment works for the client: Keystone answers with a token.
    const token = await fetch(`${env.OS_AUTH_URL}/auth/tokens`, {
      method: 'POST',
      body: JSON.stringify({
        auth: {
          identity: {
            methods: ['password'],
            password: {user: {name: env.OS_USERNAME, domain: {name: 'Default'}, password: env.OS_PASSWORD}},
          },
        },
      }),
    })
    expect(token.status).toBe(201)

    const again = await runDcm(['lab', 'start', '--detach', '--data-dir', dir])
    expect(again.code).toBe(1)
    expect(again.stderr).toContain(`Error: A lab is already running in ${dir}`)
    // Even without lab.json (deleted by hand), the data dir's lock keeps a second lab off it.
    const instanceFile = await fs.readFile(path.join(dir, 'lab.json'))
    await fs.rm(path.join(dir, 'lab.json'))
    const locked = await runDcm(['lab', 'start', '--data-dir', dir])
    expect(locked.code).toBe(1)
    expect(locked.stderr).toMatch(
      new RegExp(`^Error: The lab data dir ${dir} is in use by another lab \\(pid \\d+\\)\\n`),
    )
    await fs.writeFile(path.join(dir, 'lab.json'), instanceFile)

    const other = await dataDir()
    expect((await runDcm(['lab', 'start', '--detach', '--data-dir', other])).code).toBe(0)
    const otherUrl = (
      JSON.parse((await runDcm(['lab', 'status', '--data-dir', other, '-f', 'json'])).stdout) as {url: string}
    ).url
    expect(otherUrl).not.toBe(shown.url)
    expect((await runDcm(['lab', 'stop', '--data-dir', other])).code).toBe(0)

    const stop = await runDcm(['lab', 'stop', '--data-dir', dir])
    expect(stop.code).toBe(0)
    expect(stop.stdout).toMatch(/^Stopped the lab in .* \(pid \d+\)\n$/)
    // No lab running is an answer, not an error.
    const stopped = await runDcm(['lab', 'status', '--data-dir', dir, '-f', 'json'])
    expect(stopped).toMatchObject({code: 0, stderr: ''})
    expect(JSON.parse(stopped.stdout)).toMatchObject({state: 'stopped', url: null, pid: null, data_dir: dir})
    expect((await runDcm(['lab', 'env', '--data-dir', dir])).code).toBe(1)
    const stopAgain = await runDcm(['lab', 'stop', '--data-dir', dir])
    expect(stopAgain).toMatchObject({code: 0, stdout: `No lab is running in ${dir}\n`})
    await expect(fetch(`${shown.url}/lab/status`)).rejects.toThrow()
  })

  test('stopped and started again, a lab serves on the same port, so an evaluated lab env keeps working', async () => {
    const dir = await dataDir()
    expect((await runDcm(['lab', 'start', '--detach', '--data-dir', dir])).code).toBe(0)
    const env = parseEnv((await runDcm(['lab', 'env', '--data-dir', dir])).stdout)
    expect((await runDcm(['lab', 'stop', '--data-dir', dir])).code).toBe(0)
    expect((await runDcm(['lab', 'start', '--detach', '--data-dir', dir])).code).toBe(0)
    expect((await fs.readFile(path.join(dir, 'port'), 'utf8')).trim()).toBe(new URL(env.OS_AUTH_URL).port)
    expect((await fetch(env.OS_AUTH_URL)).status).toBe(200)
    expect((await runDcm(['lab', 'stop', '--data-dir', dir])).code).toBe(0)
  }, 120_000)

  test('a remembered port taken by another program: the lab starts on a free one and remembers that', async () => {
    const dir = await dataDir()
    const {createServer} = await import('node:net')
    const squatter = createServer()
    await new Promise<void>((resolve) => squatter.listen(0, '127.0.0.1', resolve))
    const taken = (squatter.address() as {port: number}).port
    await fs.writeFile(path.join(dir, 'port'), `${taken}\n`)
    try {
      expect((await runDcm(['lab', 'start', '--detach', '--data-dir', dir])).code).toBe(0)
      const status = JSON.parse((await runDcm(['lab', 'status', '--data-dir', dir, '-f', 'json'])).stdout)
      expect(status.url).not.toBe(`http://127.0.0.1:${taken}`)
      expect((await fs.readFile(path.join(dir, 'port'), 'utf8')).trim()).toBe(new URL(status.url).port)
      // An explicit --port that is taken still fails: the operator asked for that one.
      const explicit = await runDcm(['lab', 'start', '--data-dir', await dataDir(), '--port', String(taken)])
      expect(explicit.code).toBe(1)
      expect(explicit.stderr).toContain(`Error: Port ${taken} on 127.0.0.1 is already in use`)
    } finally {
      await runDcm(['lab', 'stop', '--data-dir', dir])
      squatter.close()
    }
  }, 120_000)

  test('a stale lab.json naming a live process that is not a lab is ignored, never signalled', async () => {
    const dir = await dataDir()
    const stranger = spawn('sleep', ['30'])
    try {
      await fs.writeFile(
        path.join(dir, 'lab.json'),
        JSON.stringify({pid: stranger.pid, port: 1, url: 'http://127.0.0.1:1', authUrl: '', dcmanagerUrl: ''}),
      )
      expect(await runDcm(['lab', 'stop', '--data-dir', dir])).toMatchObject({
        code: 0,
        stdout: `No lab is running in ${dir}\n`,
      })
      expect(stranger.exitCode).toBeNull()
      expect(stranger.signalCode).toBeNull()
      expect(JSON.parse((await runDcm(['lab', 'status', '--data-dir', dir, '-f', 'json'])).stdout).state).toBe(
        'stopped',
      )
    } finally {
      stranger.kill('SIGKILL')
    }
  })

  test('bad flags exit 2 with one line, and nothing starts', async () => {
    const dir = await dataDir()
    const scale = await runDcm(['lab', 'start', '--data-dir', dir, '--time-scale', 'fast'])
    expect(scale).toMatchObject({code: 2, stderr: 'Error: --time-scale must be a number from 0 to 1000, got "fast"\n'})
    const network = await runDcm(['lab', 'start', '--data-dir', dir, '--sc-network', '192.168.204.0/24'])
    expect(network.code).toBe(2)
    expect(network.stderr).toBe('Error: --sc-network must look like SUBNET,START-END, got "192.168.204.0/24"\n')
    expect(await fs.readdir(dir)).toEqual([])
  })
})

describe('dcm lab start --tls', () => {
  test('HTTPS with a private CA: verified with the CA file, refused without it', async () => {
    const dir = await dataDir()
    const start = await runDcm(['lab', 'start', '--detach', '--tls', '--data-dir', dir])
    expect(start.code).toBe(0)
    const env = parseEnv((await runDcm(['lab', 'env', '--data-dir', dir])).stdout)
    expect(env.OS_AUTH_URL).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/identity\/v3$/)
    expect(env.OS_CACERT).toBe(path.join(dir, 'tls', 'ca.pem'))
    expect((await fs.stat(path.join(dir, 'tls', 'server-key.pem'))).mode & 0o777).toBe(0o600)

    expect(await httpsStatus(env.OS_AUTH_URL, await fs.readFile(env.OS_CACERT))).toBe(200)
    await expect(httpsStatus(env.OS_AUTH_URL)).rejects.toMatchObject({
      code: expect.stringMatching(
        /UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT_LOCALLY/,
      ),
    })

    const status = JSON.parse((await runDcm(['lab', 'status', '--data-dir', dir, '-f', 'json'])).stdout) as {
      tls_ca: string
    }
    expect(status.tls_ca).toBe(env.OS_CACERT)
    expect((await runDcm(['lab', 'stop', '--data-dir', dir])).code).toBe(0)
  })
})

describe('dcm lab demo', () => {
  test('runs the guide end to end: added, complete, routed, online, managed, in-sync; cleans up', async () => {
    const before = new Set((await fs.readdir(os.tmpdir())).filter((name) => name.startsWith('dcm-lab-demo-')))
    const result = await runDcm(['lab', 'demo', '--time-scale', '0.05'])
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    const steps = [...result.stdout.matchAll(/^\[(\d)\] /gm)].map((match) => Number(match[1]))
    expect(steps).toEqual([1, 2, 3, 4, 5, 6, 7, 8])
    expect(result.stdout).toMatch(/\|\s+1 \| subcloud1 \| unmanaged\s+\| offline\s+\| complete\s+\| unknown /)
    expect(result.stdout).toMatch(/\|\s+1 \| subcloud1 \| managed\s+\| online\s+\| complete\s+\| in-sync /)
    expect(result.stdout).toContain('| platform_sync_status        | in-sync')
    expect(result.stdout).not.toMatch(/OS_PASSWORD=\S/)
    const after = (await fs.readdir(os.tmpdir())).filter(
      (name) => name.startsWith('dcm-lab-demo-') && !before.has(name),
    )
    expect(after).toEqual([])
  })
})

describe('dcm lab start in the foreground', () => {
  test('prints where it listens (no password), serves until SIGINT, then stops cleanly', async () => {
    const dir = await dataDir()
    const child = spawn(process.execPath, [path.join(repoRoot, 'bin', 'run.js'), 'lab', 'start', '--data-dir', dir], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    let stdout = ''
    child.stdout.on('data', (chunk) => (stdout += chunk))
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)))
    while (!stdout.includes('Press Ctrl-C to stop.')) {
      if (child.exitCode !== null) throw new Error(`lab exited: ${stdout}`)
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stdout)![1]
    expect(stdout).toContain(`OS_AUTH_URL=${url}/identity/v3`)
    const password = (await fs.readFile(path.join(dir, 'admin-password'), 'utf8')).trim()
    expect(stdout).not.toContain(password)
    expect((await fetch(`${url}/lab/status`)).status).toBe(200)
    child.kill('SIGINT')
    expect(await exited).toBe(0)
    expect(stdout).toMatch(/dcm lab: stopped\n$/)
    expect(await fs.readdir(dir)).not.toContain('lab.json')
    await expect(fetch(`${url}/lab/status`)).rejects.toThrow()
  })
})

/** GET over HTTPS trusting only `ca` (or only the system CAs): the status, or the TLS error. */
function httpsStatus(url: string, ca?: Buffer): Promise<number> {
  return new Promise((resolve, reject) => {
    https
      .get(url, {ca, agent: false}, (response) => {
        response.resume()
        response.on('end', () => resolve(response.statusCode ?? 0))
      })
      .on('error', reject)
  })
}
