import {afterAll, beforeAll, describe, expect, jest, test} from '@jest/globals'
import {execFileSync} from 'node:child_process'
import {existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {parse} from 'yaml'

import {overridesForUpload} from '../../src/core/bootstrap/overrides-upload.js'
import {validateFiles} from '../../src/core/overrides/batch.js'
import {fixturesDir, repoRoot, runDcm} from '../helpers/cli.js'
import {installTestPlaybooks} from '../helpers/playbooks.js'
import {type TestSshd, startSshd, sshdUnavailable} from '../helpers/sshd.js'

/**
 * Issue 14 class 5: the uploaded overrides are a YAML document, never text appended to the operator's file. Every
 * valid example, in block style and in flow style (one JSON line, which `validate` accepts), is checked as
 * Ansible reads the uploaded file: PyYAML on the document itself, and (flow style) a real `dcm subcloud bootstrap`
 * over sshd whose playbook include_vars the uploaded localhost.yml.
 */
const examplesDir = path.join(fixturesDir, 'examples', 'bootstrap')
const examples = readdirSync(examplesDir).filter((name) => name.startsWith('valid-'))
const PASSWORD = `Fl0w-"style' #:{x}-${Math.random().toString(36).slice(2)}`

function styles(name: string): {style: string; text: string; values: Record<string, unknown>}[] {
  const block = readFileSync(path.join(examplesDir, name), 'utf8')
  const values = parse(block, {version: '1.1'}) as Record<string, unknown>
  return [
    {style: 'block', text: block, values},
    // Flow style without a final newline: the old concatenation produced `}ansible_become_pass: ...`.
    {style: 'flow', text: JSON.stringify(values), values},
  ]
}

const pyyamlMissing = (() => {
  try {
    execFileSync('python3', ['-c', 'import yaml'], {stdio: 'ignore'})
    return undefined
  } catch {
    return 'python3-yaml is missing'
  }
})()

describe('uploaded overrides are a YAML document (every valid example, block and flow style)', () => {
  test('the examples are there', () => expect(examples.length).toBeGreaterThanOrEqual(4))

  for (const name of examples) {
    for (const {style, text, values} of styles(name)) {
      test(`${name} (${style}): validate accepts it and PyYAML reads the upload as the file plus the password`, async () => {
        const dir = mkdtempSync(path.join(os.tmpdir(), 'dcm-flow-'))
        try {
          const file = path.join(dir, `${style}.yml`)
          writeFileSync(file, text)
          const errors = (await validateFiles([file], 'subcloud')).filter((finding) => finding.severity === 'error')
          expect(errors).toEqual([])
          const uploaded = overridesForUpload(text, PASSWORD)
          const expected = {...values, ansible_become_pass: PASSWORD}
          expect(parse(uploaded, {version: '1.1'})).toEqual(expected)
          if (!pyyamlMissing) {
            const read = execFileSync(
              'python3',
              ['-c', 'import sys, json, yaml; print(json.dumps(yaml.safe_load(sys.stdin), default=str))'],
              {input: uploaded, encoding: 'utf8'},
            )
            expect(JSON.parse(read)).toEqual(JSON.parse(JSON.stringify(expected)))
          }
        } finally {
          rmSync(dir, {recursive: true, force: true})
        }
      })
    }
  }

  test('a file that sets ansible_become_pass itself is uploaded unchanged; an empty one gets only the key', () => {
    const own = '{"name": "sc1", "ansible_become_pass": "mine"}'
    expect(overridesForUpload(own, PASSWORD)).toBe(own)
    expect(parse(overridesForUpload('', PASSWORD))).toEqual({ansible_become_pass: PASSWORD})
  })
})

const builtMissing = existsSync(path.join(repoRoot, 'dist', 'commands', 'subcloud', 'bootstrap.js'))
  ? undefined
  : 'dist/ is not built'
const ansibleMissing = (() => {
  try {
    execFileSync('ansible-playbook', ['--version'], {stdio: 'ignore'})
    return undefined
  } catch {
    return 'ansible-playbook is missing'
  }
})()
const skip = sshdUnavailable() ?? ansibleMissing ?? builtMissing
if (skip) console.log(`skipping the flow-style bootstrap runs: ${skip}`)
const maybe = skip ? describe.skip : describe
jest.setTimeout(240_000)

// Block style takes the same document path and is bootstrapped by test/integration/bootstrap-cli.test.ts; here the
// flow style of every example runs for real (each run is a few seconds of ansible).
maybe('dcm subcloud bootstrap of every valid example in flow style (real sshd + ansible include_vars)', () => {
  let sshd: TestSshd
  let scratch: string
  let playbooks: string

  beforeAll(async () => {
    sshd = await startSshd({password: PASSWORD, fakeSudo: true})
    playbooks = installTestPlaybooks(sshd.dir)
    scratch = mkdtempSync(path.join(os.tmpdir(), 'dcm-flow-bootstrap-'))
    // Every example's bootstrap address is data; the SSH config sends them all to the one loopback sshd.
    writeFileSync(
      path.join(scratch, 'ssh_config'),
      ['Host *', '  HostName 127.0.0.1', `  Port ${sshd.port}`, `  User ${sshd.user}`, ''].join('\n'),
    )
  })
  afterAll(async () => {
    await sshd?.stop()
    if (scratch) rmSync(scratch, {recursive: true, force: true})
  })

  for (const name of examples) {
    for (const {style, text, values} of styles(name).filter((s) => s.style === 'flow')) {
      test(`${name} (${style})`, async () => {
        const file = path.join(scratch, `${path.basename(name, '.yaml')}-${style}.yml`)
        writeFileSync(file, text)
        const address = String(values.external_oam_floating_address ?? values.external_oam_node_0_address)
        const result = await runDcm(
          [
            'subcloud',
            'bootstrap',
            '--bootstrap-address',
            address,
            '--bootstrap-values',
            file,
            '--ssh-config',
            path.join(scratch, 'ssh_config'),
            '--known-hosts',
            path.join(scratch, 'known_hosts'),
            '--log-dir',
            path.join(scratch, 'logs'),
            '--playbook',
            path.join(playbooks, 'bootstrap.yml'),
            '--no-preflight',
            '--sysadmin-password-stdin',
            '--quiet',
          ],
          {input: PASSWORD, timeoutMs: 120_000, env: {XDG_STATE_HOME: path.join(scratch, 'state')}},
        )
        expect(`${result.stdout}${result.stderr}exit ${result.code}`).toMatch(/\| complete \|[\s\S]*exit 0$/)
        expect(result.stdout + result.stderr).not.toContain(PASSWORD)
      })
    }
  }
})
