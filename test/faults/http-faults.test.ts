import {afterAll, beforeAll, beforeEach, describe, expect, test} from '@jest/globals'
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {runDcm} from '../helpers/cli.js'
import {makeTestCa, type TestCa} from '../helpers/test-ca.js'
import {failure, FaultServer, json, subcloudRecord} from './fault-server.js'

/**
 * Issue 14, the network half: what a misbehaving or hostile server does to the built CLI. Every case ends in one
 * `Error:` line (no JavaScript error text), the documented exit code, and output the terminal cannot be driven by.
 */
const server = new FaultServer()
let scratch: string

beforeAll(async () => {
  await server.start()
  scratch = mkdtempSync(path.join(os.tmpdir(), 'dcm-faults-'))
})
afterAll(async () => {
  await server.stop()
  rmSync(scratch, {recursive: true, force: true})
})
beforeEach(() => server.reset())

const LIST = '/dcmanager/v1.0/subclouds'
const dcm = (args: string[], extra: Record<string, string> = {}, input?: string) =>
  runDcm(args, {env: server.env(extra), input, timeoutMs: 30_000})

/** One error line (plus an optional hint), no JavaScript internals. */
function expectOneLineError(stderr: string): string {
  const lines = stderr.trimEnd().split('\n')
  expect(lines[0]).toMatch(/^Error: /)
  expect(lines.slice(1).every((line) => line.startsWith('Hint: '))).toBe(true)
  expect(stderr).not.toMatch(/TypeError|Cannot read|undefined|JSON\.parse|at .*\.js:\d+/)
  return lines[0]
}

describe('status codes', () => {
  test('a 500 on the list is exit 1 with the server message', async () => {
    server.on('GET', LIST, failure(500, 'database is down'))
    const result = await dcm(['subcloud', 'list'])
    expect(result.code).toBe(1)
    expect(expectOneLineError(result.stderr)).toContain('database is down')
  })

  test('Keystone refusing the password is exit 3', async () => {
    server.keystoneFault = json(
      {error: {code: 401, message: 'The request you have made requires authentication.'}},
      401,
    )
    const result = await dcm(['subcloud', 'list'])
    expect(result.code).toBe(3)
    expectOneLineError(result.stderr)
    expect(server.serviceRequests()).toHaveLength(0)
  })
})

describe('valid JSON of the wrong shape is one line naming the endpoint (exit 1)', () => {
  const cases: [string, string[], string, unknown][] = [
    ['null for the list', ['subcloud', 'list'], LIST, null],
    ['an object for the list', ['subcloud', 'list'], LIST, {subclouds: {name: 'x'}}],
    ['a list of strings', ['subcloud', 'list'], LIST, {subclouds: ['subcloud1']}],
    ['an empty 200 for the list', ['subcloud', 'list'], LIST, undefined],
    ['a list for a record', ['subcloud', 'show', 'subcloud1'], `${LIST}/subcloud1`, [subcloudRecord()]],
    ['a record without a name', ['subcloud', 'show', '1'], `${LIST}/1`, {id: 1}],
    ['null for a group', ['subcloud-group', 'show', 'Default'], '/dcmanager/v1.0/subcloud-groups/Default', null],
    ['a number for the alarms', ['alarm', 'summary'], '/dcmanager/v1.0/alarms', 42],
  ]
  for (const [what, args, endpoint, body] of cases) {
    test(what, async () => {
      server.on('GET', endpoint, json(body))
      const result = await dcm(args)
      expect(result.code).toBe(1)
      const line = expectOneLineError(result.stderr)
      expect(line).toContain(`GET ${server.url}${endpoint}`)
      expect(line).toMatch(/where .* was expected/)
    })
  }

  test('a Keystone token answer of null is exit 3 naming the token endpoint', async () => {
    server.keystoneFault = json(null, 201)
    const result = await dcm(['subcloud', 'list'])
    expect(result.code).toBe(3)
    expectOneLineError(result.stderr)
  })
})

describe('bounded responses', () => {
  test('a body dripped a byte at a time hits the total deadline of --request-timeout (exit 3)', async () => {
    server.on('GET', LIST, {kind: 'drip', everyMs: 200})
    const result = await dcm(['subcloud', 'list', '--request-timeout', '2'])
    expect(result.code).toBe(3)
    expect(expectOneLineError(result.stderr)).toContain('within the request timeout of 2 s')
  })

  test('a server that never answers hits the same deadline (exit 3)', async () => {
    server.on('GET', LIST, {kind: 'hang'})
    const result = await dcm(['subcloud', 'list', '--request-timeout', '1'])
    expect(result.code).toBe(3)
    expect(expectOneLineError(result.stderr)).toContain('within the request timeout of 1 s')
  })

  test('a body above the limit is cut off with an error naming the limit (exit 1): chunked', async () => {
    server.on('GET', LIST, {kind: 'huge', bytes: 3 * 1024 * 1024})
    const result = await dcm(['subcloud', 'list'], {DCM_MAX_RESPONSE_MB: '1'})
    expect(result.code).toBe(1)
    expect(expectOneLineError(result.stderr)).toContain('larger than the 1 MiB limit for a response body')
  })

  test('a declared Content-Length above the default limit is refused before reading the body', async () => {
    server.on('GET', LIST, {kind: 'huge', bytes: 600 * 1024 * 1024, declared: true})
    const result = await dcm(['subcloud', 'list'])
    expect(result.code).toBe(1)
    expect(expectOneLineError(result.stderr)).toContain('larger than the 64 MiB limit for a response body')
  })

  test('a connection closed mid-body is exit 3 "closed unexpectedly", after the GET retries', async () => {
    server.on('GET', LIST, {kind: 'close-mid-body'})
    const result = await dcm(['subcloud', 'list'])
    expect(result.code).toBe(3)
    expect(expectOneLineError(result.stderr)).toContain('was closed unexpectedly')
    expect(server.serviceRequests()).toHaveLength(3)
  })

  test('a duration beyond what a timer holds is refused (exit 2, the range named, nothing sent)', async () => {
    const result = await dcm(['subcloud', 'list', '--request-timeout', '3000000'])
    expect(result.code).toBe(2)
    expect(result.stderr).toContain(
      "--request-timeout must be a whole number of seconds from 1 to 2147483, not '3000000'",
    )
    expect(server.requests).toHaveLength(0)
  })
})

describe('control characters from the server', () => {
  const evil = 'sc\u001b]0;pwned\u0007\u001b[2J\u0000x'

  test('are escaped in tables, kept in machine formats', async () => {
    server.on('GET', LIST, json({subclouds: [subcloudRecord({name: evil, 'deploy-status': 'complete\r'})]}))
    const table = await dcm(['subcloud', 'list'])
    expect(table.code).toBe(0)
    expect(table.stdout).not.toMatch(/[\u0000-\u0008\u001b\u007f]/)
    expect(table.stdout).toContain('sc\\e]0;pwned\\x07\\e[2J\\0x')
    const asJson = await dcm(['subcloud', 'list', '-f', 'json'])
    expect((JSON.parse(asJson.stdout) as {name: string}[])[0].name).toBe(evil)
  })

  test('are escaped in error lines: a newline cannot forge a second line', async () => {
    server.on('GET', LIST, failure(500, 'bad\u001b[31m thing\nError: forged\rline'))
    const result = await dcm(['subcloud', 'list'])
    expect(result.code).toBe(1)
    expect(result.stderr).not.toMatch(/\u001b|\r/)
    expect(result.stderr).not.toMatch(/^Error: forged/m)
  })
})

describe('--wait outlasts transient server errors', () => {
  const values = () => {
    const file = path.join(scratch, 'sc1.yml')
    writeFileSync(
      file,
      `system_mode: simplex
name: subcloud1
management_subnet: 192.168.101.0/24
management_start_address: 192.168.101.2
management_end_address: 192.168.101.50
management_gateway_address: 192.168.101.1
systemcontroller_gateway_address: 192.168.204.101
external_oam_subnet: 10.10.10.0/24
external_oam_gateway_address: 10.10.10.1
external_oam_floating_address: 10.10.10.12
`,
    )
    return file
  }
  const add = (extra: string[] = []) =>
    dcm(
      [
        'subcloud',
        'add',
        '--bootstrap-address',
        '10.10.10.12',
        '--bootstrap-values',
        values(),
        '--sysadmin-password-stdin',
        '--no-preflight',
        '--wait',
        '--poll-interval',
        '50',
        ...extra,
      ],
      {},
      'Sysadmin*1',
    )

  test('500, 503 and a dropped connection while waiting are retried; the deploy completes (exit 0)', async () => {
    server.on('GET', LIST, json({subclouds: []}))
    server.on('POST', LIST, json(subcloudRecord({'deploy-status': 'not-deployed'})))
    server.on(
      'GET',
      `${LIST}/1`,
      failure(500, 'restarting'),
      failure(503, 'restarting'),
      {kind: 'close-mid-body'},
      json(subcloudRecord({'deploy-status': 'bootstrapping'})),
      failure(500, 'restarting'),
      json(subcloudRecord({'deploy-status': 'complete'})),
    )
    const result = await add()
    expect(`${result.stderr}exit ${result.code}`).toMatch(/exit 0$/)
    expect(result.stdout).toMatch(/deploy_status\s+\|\s+complete/)
  })

  test('a server that keeps failing ends as a wait timeout (exit 4), not as exit 1 on the first 500', async () => {
    server.on('GET', LIST, json({subclouds: []}))
    server.on('POST', LIST, json(subcloudRecord()))
    server.on('GET', `${LIST}/1`, failure(503, 'still restarting'))
    const result = await add(['--timeout', '2'])
    expect(result.code).toBe(4)
    expect(expectOneLineError(result.stderr)).toContain('still restarting')
  })

  test('a 404 while waiting is not retried (exit 1 at once)', async () => {
    server.on('GET', LIST, json({subclouds: []}))
    server.on('POST', LIST, json(subcloudRecord()))
    server.on('GET', `${LIST}/1`, failure(404, 'Subcloud not found'))
    const result = await add(['--timeout', '600'])
    expect(result.code).toBe(1)
    expect(server.requests.filter((r) => r.path === `${LIST}/1`)).toHaveLength(1)
  })
})

describe('--debug never shows a secret', () => {
  test('folded, literal, multi-line plain and escaped secrets in the file, and OS_AUTH_URL userinfo', async () => {
    const file = path.join(scratch, 'secrets.yml')
    writeFileSync(
      file,
      `system_mode: simplex
name: subcloud1
management_subnet: 192.168.101.0/24
management_start_address: 192.168.101.2
management_end_address: 192.168.101.50
management_gateway_address: 192.168.101.1
systemcontroller_gateway_address: 192.168.204.101
external_oam_subnet: 10.10.10.0/24
external_oam_gateway_address: 10.10.10.1
external_oam_floating_address: 10.10.10.12
admin_password: >-
  FoldedFirstHalf
  FoldedSecondHalf
docker_registries:
  k8s.gcr.io:
    url: registry.local
    username: admin
    password: |
      LiteralSecretLine
  gcr.io:
    url: registry.local
    username: admin
    password: PlainFirstLine
      PlainSecondLine
  quay.io:
    url: registry.local
    username: admin
    password: "Esc\\x41pedSecret\\u0021"
`,
    )
    server.on('GET', LIST, json({subclouds: []}))
    server.on('POST', LIST, json(subcloudRecord()))
    const auth = new URL(`${server.url}/identity/v3`)
    auth.username = 'admin'
    auth.password = 'UrlPassw0rd'
    const result = await dcm(
      [
        'subcloud',
        'add',
        '--bootstrap-address',
        '10.10.10.12',
        '--bootstrap-values',
        file,
        '--sysadmin-password-stdin',
        '--no-preflight',
        '--debug',
        '--allow-unknown-keys',
      ],
      {OS_AUTH_URL: auth.toString()},
      'Sysadmin*1',
    )
    expect(`${result.stderr}exit ${result.code}`).toMatch(/exit 0$/)
    // The file really went out: the debug trace shows the request that carried it.
    expect(result.stderr).toMatch(/DEBUG: REQ: POST .*\/subclouds/)
    expect(server.requests.some((r) => r.body.includes('FoldedFirstHalf'))).toBe(true)
    for (const secret of [
      'FoldedFirstHalf',
      'FoldedSecondHalf',
      'LiteralSecretLine',
      'PlainFirstLine',
      'PlainSecondLine',
      'Esc\\x41pedSecret',
      'EscApedSecret!',
      'UrlPassw0rd',
      'Sysadmin*1',
      server.password,
    ])
      expect(result.stdout + result.stderr).not.toContain(secret)
  })
})

describe('TLS', () => {
  let ca: TestCa
  let tls: FaultServer
  beforeAll(async () => {
    ca = makeTestCa()
    // The certificate names 127.0.0.1 and localhost; the server answers on 127.0.0.2.
    tls = await new FaultServer({tls: {key: ca.key, cert: ca.cert}, host: '127.0.0.2'}).start()
  })
  afterAll(async () => {
    await tls?.stop()
    ca?.cleanup()
  })

  test('a name mismatch says so and does not blame the CA', async () => {
    const result = await runDcm(['subcloud', 'list', '--os-cacert', ca.caFile], {env: tls.env()})
    expect(result.code).toBe(3)
    expect(result.stderr).toContain('certificate name mismatch')
    const hint = result.stderr.split('\n').find((line) => line.startsWith('Hint: ')) ?? ''
    expect(hint).not.toMatch(/CA|cacert/)
    expect(hint).toContain('host name or address the certificate was issued for')
  })
})
