import {afterEach, describe, expect, test} from '@jest/globals'
import {mkdirSync, mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {batchExitCode, planBootstrapTargets, runBatch, validateTargets} from '../../../src/core/bootstrap/batch.js'
import type {BootstrapResult} from '../../../src/core/bootstrap/types.js'
import {UsageError} from '../../../src/core/errors.js'

const dirs: string[] = []
function scratch(): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dcm-batch-'))
  dirs.push(dir)
  return dir
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, {recursive: true, force: true})
})

function values(name: string, n: number): string {
  return `system_mode: simplex
name: ${name}
management_subnet: 192.168.${100 + n}.0/24
management_start_address: 192.168.${100 + n}.2
management_end_address: 192.168.${100 + n}.50
management_gateway_address: 192.168.${100 + n}.1
systemcontroller_gateway_address: 192.168.204.101
external_oam_subnet: 10.10.${n * 10}.0/24
external_oam_gateway_address: 10.10.${n * 10}.1
external_oam_floating_address: 10.10.${n * 10}.2
dns_servers:
  - 10.10.10.53
`
}

const result = (exitCode: number): BootstrapResult => ({
  subcloudName: 'x',
  outcome: exitCode === 0 ? 'complete' : 'failed',
  exitCode,
  summary: '',
  tasksRun: 0,
  elapsedMs: 0,
})

describe('planBootstrapTargets', () => {
  test('files and addresses pair in order; the name comes from the file', () => {
    const dir = scratch()
    writeFileSync(path.join(dir, 'a.yml'), values('subcloud1', 1))
    writeFileSync(path.join(dir, 'b.yml'), values('subcloud2', 2))
    const targets = planBootstrapTargets(
      [path.join(dir, 'a.yml'), path.join(dir, 'b.yml')],
      ['10.10.10.12', '10.10.20.12'],
    )
    expect(targets.map((t) => [t.name, t.address])).toEqual([
      ['subcloud1', '10.10.10.12'],
      ['subcloud2', '10.10.20.12'],
    ])
    expect(targets[0].overridesText).toBe(values('subcloud1', 1))
  })

  test('a directory with an address map keyed by subcloud name or file stem', () => {
    const dir = path.join(scratch(), 'site')
    mkdirSync(dir)
    writeFileSync(path.join(dir, 'one.yaml'), values('subcloud1', 1))
    writeFileSync(path.join(dir, 'two.yml'), values('subcloud2', 2))
    writeFileSync(path.join(dir, 'notes.txt'), 'ignored')
    writeFileSync(path.join(dir, 'addresses.yml'), 'subcloud1: 10.10.10.12\ntwo: 10.10.20.12\n')
    expect(planBootstrapTargets([dir], []).map((t) => [path.basename(t.file), t.name, t.address])).toEqual([
      ['one.yaml', 'subcloud1', '10.10.10.12'],
      ['two.yml', 'subcloud2', '10.10.20.12'],
    ])
  })

  test('bad input is a UsageError naming the file, the line or the flag', () => {
    const dir = scratch()
    const file = path.join(dir, 'a.yml')
    writeFileSync(file, values('subcloud1', 1))
    expect(() => planBootstrapTargets([file], [])).toThrow(new UsageError(`${file}: no bootstrap address`))
    expect(() => planBootstrapTargets([file], ['10.10.10.300'])).toThrow(
      '--bootstrap-address 10.10.10.300: not an IP address',
    )
    expect(() => planBootstrapTargets([file], ['10.10.10.12', '10.10.10.13'])).toThrow(
      '--bootstrap-address given 2 time(s) for 1 --bootstrap-values file(s)',
    )
    expect(() => planBootstrapTargets([file, file], ['10.10.10.12', '10.10.10.12'])).toThrow(
      `${file}: bootstrap address 10.10.10.12 is also used by ${file}`,
    )
    const site = path.join(dir, 'site')
    mkdirSync(site)
    writeFileSync(path.join(site, 's.yml'), values('subcloud5', 5))
    expect(() => planBootstrapTargets([site], [])).toThrow(
      `${site}: a directory of bootstrap values needs an address map addresses.yml`,
    )
    writeFileSync(path.join(site, 'addresses.yml'), 'other: 10.1.1.1\nsubcloud6: not-an-ip\n')
    expect(() => planBootstrapTargets([site], [])).toThrow(
      `${path.join(site, 'addresses.yml')}:2:12: subcloud6: 'not-an-ip' is not an IP address`,
    )
    writeFileSync(path.join(site, 'addresses.yml'), 'other: 10.1.1.1\n')
    expect(() => planBootstrapTargets([site], [])).toThrow(`no address for subcloud subcloud5`)
    expect(() => planBootstrapTargets([path.join(dir, 'missing.yml')], ['10.1.1.1'])).toThrow(UsageError)
  })

  test('a bootstrap-address key in the file is used when no flag gives one', () => {
    const file = path.join(scratch(), 'a.yml')
    writeFileSync(file, values('subcloud1', 1) + 'bootstrap-address: 10.10.10.12\n')
    expect(planBootstrapTargets([file], [])[0].address).toBe('10.10.10.12')
  })
})

describe('validateTargets', () => {
  test('per-file errors with file:line, and conflicts across the files of a batch', async () => {
    const dir = scratch()
    writeFileSync(path.join(dir, 'a.yml'), values('subcloud1', 1))
    writeFileSync(path.join(dir, 'b.yml'), values('subcloud1', 1))
    const findings = await validateTargets(
      planBootstrapTargets([path.join(dir, 'a.yml'), path.join(dir, 'b.yml')], ['10.10.10.12', '10.10.10.13']),
    )
    expect(findings.filter((f) => f.severity === 'error').length).toBeGreaterThan(0)
    expect(findings.every((f) => f.line >= 1)).toBe(true)
  })
})

describe('runBatch and batchExitCode', () => {
  test('at most N at a time, results in input order, one failure does not stop the others', async () => {
    let running = 0
    let peak = 0
    const targets = Array.from({length: 7}, (_, i) => ({name: `s${i}`}) as never)
    const results = await runBatch(targets, 3, undefined, async (target: {name: string}) => {
      running++
      peak = Math.max(peak, running)
      await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 20))
      running--
      return {...result(target.name === 's2' ? 1 : 0), subcloudName: target.name}
    })
    expect(peak).toBe(3)
    expect(results.map((r) => [r.subcloudName, r.exitCode])).toEqual([
      ['s0', 0],
      ['s1', 0],
      ['s2', 1],
      ['s3', 0],
      ['s4', 0],
      ['s5', 0],
      ['s6', 0],
    ])
  })

  test('after an abort, queued targets are reported not started (130)', async () => {
    const controller = new AbortController()
    const targets = Array.from({length: 3}, (_, i) => ({name: `s${i}`}) as never)
    const results = await runBatch(targets, 1, controller.signal, async () => {
      controller.abort()
      return result(130)
    })
    expect(results.map((r) => [r.outcome, r.exitCode])).toEqual([
      ['failed', 130],
      ['not-started', 130],
      ['not-started', 130],
    ])
  })

  test('exit code of a batch', () => {
    expect(batchExitCode([result(0), result(0)])).toBe(0)
    expect(batchExitCode([result(0), result(4)])).toBe(4)
    expect(batchExitCode([result(3), result(3)])).toBe(3)
    expect(batchExitCode([result(3), result(4)])).toBe(1)
    expect(batchExitCode([result(1), result(130)])).toBe(130)
  })
})
