import {afterAll, beforeAll, beforeEach, describe, expect, it} from '@jest/globals'
import {readdirSync, readFileSync, statSync} from 'node:fs'
import path from 'node:path'

import {parseMultipart as parseForm} from '../../src/lab/http/multipart.js'
import {seedFleet} from '../../src/lab/scenarios/fleet.js'
import {type FaultServer, inFrontOf, json, subcloudRecord} from '../faults/fault-server.js'
import {runDcm} from '../helpers/cli.js'
import {startTestLab, type TestLab} from '../helpers/lab.js'
import {bootstrapValues, fixtureDir, type FixtureDir} from '../helpers/subcloud-fixtures.js'

/** The text fields and files of a multipart body, as the server reads them. */
function parseMultipart(body: Buffer, contentType: string): Map<string, string> {
  return new Map([...parseForm(body, contentType)].map(([name, part]) => [name, part.data.toString('utf8')]))
}

/** The parts' names and file names, in the order sent (upstream's client sends files first). */
function multipartParts(body: Buffer, contentType: string): {name: string; filename?: string}[] {
  return [...parseForm(body, contentType).values()].map((part) => ({name: part.name, filename: part.filename}))
}

/**
 * `dcm subcloud add` end to end through the built CLI against a test lab (simulated deploys; `sc-f`'s bootstrap
 * fails), behind the fault server, which records the request bodies (and plays a subcloud stuck bootstrapping).
 */
const LIST = '/dcmanager/v1.0/subclouds'

describe('dcm subcloud add', () => {
  let lab: TestLab
  let faults: FaultServer
  let files: FixtureDir
  const password = 'Sysadmin*Secret-7731'
  const posts = () => faults.requests.filter((r) => r.method === 'POST' && r.path.replace(/\/$/, '') === LIST)

  beforeAll(async () => {
    lab = await startTestLab({deployer: 'simulated', failFor: ['sc-f']})
    faults = await inFrontOf(lab)
    files = fixtureDir()
  })
  beforeEach(async () => {
    for (const subcloud of [...lab.store.subclouds]) {
      await lab.runner.cancel(subcloud.id)
      lab.store.deleteSubcloud(subcloud.id)
    }
    await lab.store.persist()
    faults.reset()
  })
  afterAll(async () => {
    await faults.stop()
    await lab.stop()
    files.cleanup()
  })

  it('validates, sends the multipart form of §2.1.1 and prints the Show table', async () => {
    const file = files.write('sc-a.yml', bootstrapValues('sc-a'))
    const result = await runDcm(
      ['subcloud', 'add', '--bootstrap-address', '10.10.10.12', '--bootstrap-values', file, '--no-preflight'],
      {
        env: faults.env({DCM_SYSADMIN_PASSWORD: password}),
      },
    )
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(/^\+-+\+-+\+\n\| Field +\| Value +\|/)
    expect(result.stdout).toMatch(/\| name +\| sc-a +\|/)
    expect(result.stdout).toMatch(/\| deploy_status +\| not-deployed +\|/)
    const [post] = posts()
    const contentType = String(post.headers['content-type'])
    const form = parseMultipart(post.body, contentType)
    expect(form.get('bootstrap-address')).toBe('10.10.10.12')
    expect(form.get('sysadmin_password')).toBe(Buffer.from(password).toString('base64'))
    expect(form.get('bootstrap_values')).toBe(bootstrapValues('sc-a'))
    const parts = multipartParts(post.body, contentType)
    expect(parts.map((p) => p.name)).toEqual(['bootstrap_values', 'bootstrap-address', 'sysadmin_password'])
    expect(parts[0].filename).toBe(file)
  })

  it('refuses an invalid file with file:line and sends nothing (exit 2)', async () => {
    const file = files.write('bad-gw.yml', bootstrapValues('sc-b', {management_gateway_address: '192.168.102.1'}))
    const result = await runDcm(
      ['subcloud', 'add', '--bootstrap-address', '10.10.10.12', '--bootstrap-values', file, '--no-preflight'],
      {
        env: faults.env({DCM_SYSADMIN_PASSWORD: password}),
      },
    )
    expect(result.code).toBe(2)
    expect(result.stderr.split('\n')[0]).toMatch(new RegExp(`^Error: ${file}:8:\\d+: management_gateway_address`))
    expect(posts()).toHaveLength(0)
  })

  it('catches a management range overlapping a live subcloud locally, naming the line', async () => {
    const [existing] = await seedFleet(lab.store, {count: 1, prefix: 'existing'})
    lab.store.updateSubcloud(lab.store.subcloudByName(existing)!.id, {
      managementSubnet: '192.168.101.0/24',
      managementStartIp: '192.168.101.2',
      managementEndIp: '192.168.101.50',
      managementGatewayIp: '192.168.101.1',
    })
    const file = files.write('overlap.yml', bootstrapValues('sc-c'))
    const result = await runDcm(
      ['subcloud', 'add', '--bootstrap-address', '10.10.10.12', '--bootstrap-values', file, '--no-preflight'],
      {
        env: faults.env({DCM_SYSADMIN_PASSWORD: password}),
      },
    )
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(
      new RegExp(`^Error: ${file}:\\d+:\\d+: .*overlaps with that of subcloud existing1`, 'm'),
    )
    expect(posts()).toHaveLength(0)
  })

  it('--system-controller-subnet/-pool feed the local systemcontroller gateway rules', async () => {
    const file = files.write('sc-gw.yml', bootstrapValues('sc-gw'))
    const result = await runDcm(
      [
        'subcloud',
        'add',
        '--bootstrap-address',
        '10.10.10.12',
        '--bootstrap-values',
        file,
        '--no-preflight',
        '--system-controller-subnet',
        '192.168.204.0/24',
        '--system-controller-pool',
        '192.168.204.2-192.168.204.200',
      ],
      {env: faults.env({DCM_SYSADMIN_PASSWORD: password})},
    )
    expect(result.code).toBe(2)
    expect(result.stderr.split('\n')[0]).toMatch(
      /^Error: .*sc-gw\.yml:\d+:\d+: systemcontroller_gateway_address invalid, is within management pool: 192\.168\.204\.2 - 192\.168\.204\.200$/,
    )
    expect(posts()).toHaveLength(0)
  })

  it('--install-values sends the file and a base64 BMC password; without one (no terminal) exit 2, nothing sent', async () => {
    const file = files.write(
      'sc-iv.yml',
      bootstrapValues('sc-iv', {
        management_subnet: '192.168.160.0/24',
        management_start_address: '192.168.160.2',
        management_end_address: '192.168.160.50',
        management_gateway_address: '192.168.160.1',
      }),
    )
    const install = files.write(
      'sc-iv-install.yml',
      [
        'bootstrap_interface: eno1',
        'bootstrap_address: 10.10.10.12',
        'bootstrap_address_prefix: 24',
        'bmc_address: 10.10.10.20',
        'bmc_username: root',
        'install_type: 3',
        'persistent_size: 30000',
        '',
      ].join('\n'),
    )
    const args = [
      'subcloud',
      'add',
      '--bootstrap-address',
      '10.10.10.12',
      '--bootstrap-values',
      file,
      '--install-values',
      install,
      '--no-preflight',
    ]
    const missing = await runDcm(args, {env: faults.env({DCM_SYSADMIN_PASSWORD: password})})
    expect(missing.code).toBe(2)
    expect(missing.stderr).toContain('Error: the BMC password is required: no terminal to prompt on')
    expect(missing.stderr).toContain('--bmc-password, DCM_BMC_PASSWORD')
    expect(posts()).toHaveLength(0)
    const sent = await runDcm(args, {env: faults.env({DCM_SYSADMIN_PASSWORD: password, DCM_BMC_PASSWORD: 'Bmc-Pw-55'})})
    expect({code: sent.code, stderr: sent.stderr}).toEqual({code: 0, stderr: ''})
    const [post] = posts()
    const parts = multipartParts(post.body, String(post.headers['content-type']))
    expect(parts.map((p) => p.name)).toEqual([
      'bootstrap_values',
      'install_values',
      'bootstrap-address',
      'sysadmin_password',
      'bmc_password',
    ])
    const form = parseMultipart(post.body, String(post.headers['content-type']))
    expect(form.get('bmc_password')).toBe(Buffer.from('Bmc-Pw-55').toString('base64'))
    expect(form.get('install_values')).toContain('bmc_address: 10.10.10.20')
  })

  it('client-side checks use the upstream messages before any request', async () => {
    const missing = await runDcm(
      ['subcloud', 'add', '--bootstrap-address', '10.10.10.12', '--bootstrap-values', '/nonexistent.yml'],
      {env: faults.env()},
    )
    expect(missing.code).toBe(2)
    expect(missing.stderr).toBe('Error: bootstrap-values does not exist: /nonexistent.yml\n')
    const file = files.write('sc-n.yml', bootstrapValues('sc-n'))
    const name = await runDcm(
      [
        'subcloud',
        'add',
        '--bootstrap-address',
        '10.10.10.12',
        '--bootstrap-values',
        file,
        '--no-preflight',
        '--name',
        'x',
      ],
      {env: faults.env()},
    )
    expect(name.stderr).toBe('Error: The --name option can only be used with --migrate option.\n')
    expect(faults.requests).toHaveLength(0)
  })

  it('without a terminal and without a password it names the ways to give one (exit 2), nothing sent', async () => {
    const file = files.write('sc-d.yml', bootstrapValues('sc-d'))
    const result = await runDcm(
      ['subcloud', 'add', '--bootstrap-address', '10.10.10.12', '--bootstrap-values', file, '--no-preflight'],
      {
        env: faults.env(),
      },
    )
    expect(result.code).toBe(2)
    expect(result.stderr).toContain('Error: the sysadmin password is required: no terminal to prompt on')
    expect(result.stderr).toContain('--sysadmin-password, --sysadmin-password-stdin, DCM_SYSADMIN_PASSWORD')
    expect(posts()).toHaveLength(0)
  })

  it('--dry-run prints what would be sent, password redacted, and sends nothing', async () => {
    const file = files.write('sc-e.yml', bootstrapValues('sc-e'))
    const result = await runDcm(
      [
        'subcloud',
        'add',
        '--bootstrap-address',
        '10.10.10.12',
        '--bootstrap-values',
        file,
        '--no-preflight',
        '--dry-run',
        '-f',
        'json',
      ],
      {env: faults.env({DCM_SYSADMIN_PASSWORD: password})},
    )
    expect(result.code).toBe(0)
    const shown = JSON.parse(result.stdout)
    expect(shown.request).toBe(`POST ${faults.url}/dcmanager/v1.0/subclouds/`)
    expect(shown['bootstrap-address']).toBe('10.10.10.12')
    expect(shown.sysadmin_password).toBe('<redacted>')
    expect(shown.bootstrap_values).toMatch(/^file .*sc-e\.yml \(\d+ bytes\)$/)
    expect(posts()).toHaveLength(0)
  })

  it('--wait follows the deploy status to complete (exit 0) with timestamped progress lines', async () => {
    const file = files.write('sc-w.yml', bootstrapValues('sc-w'))
    const result = await runDcm(
      [
        'subcloud',
        'add',
        '--bootstrap-address',
        '10.10.10.12',
        '--bootstrap-values',
        file,
        '--no-preflight',
        '--wait',
        '--poll-interval',
        '20',
      ],
      {env: faults.env({DCM_SYSADMIN_PASSWORD: password})},
    )
    expect(result.code).toBe(0)
    const lines = result.stderr.trim().split('\n')
    // One line per state seen, in the deploy's order (a poll may fall between two quick states), ending complete.
    const seen = lines.map((l) => l.replace(/^\S+ /, '').replace(/, \d+:\d\d elapsed$/, ''))
    const walk = [
      'sc-w: not-deployed (step 1 of 7)',
      'sc-w: creating (step 2 of 7)',
      'sc-w: create-complete (step 3 of 7)',
      'sc-w: pre-bootstrap (step 4 of 7)',
      'sc-w: bootstrapping (step 5 of 7)',
      'sc-w: bootstrap-complete (step 6 of 7)',
      'sc-w: complete (step 7 of 7)',
    ]
    expect(seen.at(-1)).toBe('sc-w: complete (step 7 of 7)')
    expect(seen.map((line) => walk.indexOf(line))).toEqual(
      seen
        .map((line) => walk.indexOf(line))
        .filter((index) => index >= 0)
        .sort((a, b) => a - b),
    )
    expect(new Set(seen).size).toBe(seen.length)
    expect(lines[0]).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z /)
    expect(result.stdout).toMatch(/\| deploy_status +\| complete +\|/)
  })

  describe('--wait outcomes', () => {
    it('a failure state exits 1 with the error description', async () => {
      const file = files.write('sc-f.yml', bootstrapValues('sc-f'))
      const result = await runDcm(
        [
          'subcloud',
          'add',
          '--bootstrap-address',
          '10.10.10.12',
          '--bootstrap-values',
          file,
          '--no-preflight',
          '--wait',
          '--poll-interval',
          '20',
          '-q',
        ],
        {env: faults.env({DCM_SYSADMIN_PASSWORD: password})},
      )
      expect(result.code).toBe(1)
      // The first line of the error description the lab's failed bootstrap wrote.
      const written = lab.store.subcloudByName('sc-f')!
      expect(written.deployStatus).toBe('bootstrap-failed')
      expect(result.stderr.split('\n')[0]).toBe(
        `Error: subcloud sc-f deployment failed: bootstrap-failed: ${written.errorDescription.split('\n')[0]}`,
      )
    })

    it('gives up after --timeout with exit 4', async () => {
      // A deploy that hangs: whatever the lab does, the fault server reports sc-t as still bootstrapping.
      faults.on(
        'GET',
        /^\/dcmanager\/v1\.0\/subclouds\/[^/]+\/?$/,
        json(subcloudRecord({name: 'sc-t', 'deploy-status': 'bootstrapping'})),
      )
      const file = files.write('sc-t.yml', bootstrapValues('sc-t'))
      const result = await runDcm(
        [
          'subcloud',
          'add',
          '--bootstrap-address',
          '10.10.10.12',
          '--bootstrap-values',
          file,
          '--no-preflight',
          '--wait',
          '--timeout',
          '1',
          '--poll-interval',
          '100',
          '-q',
        ],
        {env: faults.env({DCM_SYSADMIN_PASSWORD: password})},
      )
      expect(result.code).toBe(4)
      expect(result.stderr.split('\n')[0]).toBe('Error: subcloud sc-t is still bootstrapping after 1 s')
    })
  })

  describe('secrets', () => {
    /** Every argv on the machine while dcm runs, sampled from /proc, to prove no child gets the password. */
    function watchArgv(needle: string): () => string[] {
      const seen = new Set<string>()
      const timer = setInterval(() => {
        for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
          try {
            const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
            if (argv.includes(needle)) seen.add(argv.replace(/\0/g, ' '))
          } catch {
            // the process ended between listing and reading
          }
        }
      }, 5)
      return () => {
        clearInterval(timer)
        return [...seen]
      }
    }

    function filesContaining(dir: string, needle: string): string[] {
      const hits: string[] = []
      for (const entry of readdirSync(dir, {recursive: true}) as string[]) {
        const file = path.join(dir, entry)
        if (statSync(file).isFile() && readFileSync(file).includes(needle)) hits.push(file)
      }
      return hits
    }

    for (const source of ['stdin', 'env'] as const) {
      it(`a sysadmin password from ${source} appears in no output, file or argv (also with --debug)`, async () => {
        const secret = `Pw-${source}-${Date.now()}-Zq9`
        const encoded = Buffer.from(secret).toString('base64')
        const file = files.write(`sc-s-${source}.yml`, bootstrapValues(`sc-s-${source}`))
        const cache = files.write(`.keep-${source}`, '') && path.join(files.dir, `cache-${source}`)
        const stop = watchArgv(secret)
        const args = [
          'subcloud',
          'add',
          '--bootstrap-address',
          '10.10.10.12',
          '--bootstrap-values',
          file,
          '--no-preflight',
          '--debug',
        ]
        const result =
          source === 'stdin'
            ? await runDcm([...args, '--sysadmin-password-stdin'], {
                env: faults.env({DCCLIENT_NO_CACHE: '', DCM_CACHE_DIR: cache}),
                input: `${secret}\n`,
              })
            : await runDcm(args, {
                env: faults.env({DCCLIENT_NO_CACHE: '', DCM_CACHE_DIR: cache, DCM_SYSADMIN_PASSWORD: secret}),
              })
        const argv = stop()
        expect(result.code).toBe(0)
        expect(result.stderr).toContain('DEBUG: REQ: POST')
        for (const text of [secret, encoded]) {
          expect(result.stdout).not.toContain(text)
          expect(result.stderr).not.toContain(text)
          expect(filesContaining(files.dir, text)).toEqual([])
        }
        expect(argv).toEqual([])
        // It was sent, though: the password reached the server base64-encoded.
        expect(
          parseMultipart(posts()[0].body, String(posts()[0].headers['content-type'])).get('sysadmin_password'),
        ).toBe(encoded)
        expect(statSync(cache).isDirectory()).toBe(true)
      })
    }
  })
})
