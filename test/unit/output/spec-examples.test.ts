import {existsSync, readFileSync} from 'node:fs'
import {join} from 'node:path'

import {describe, expect, it} from '@jest/globals'

import {UsageError} from '../../../src/core/errors.js'
import {formatList, formatShow, NONE_MARKER, noneRow} from '../../../src/core/output/index.js'
import {options} from './options.js'

/** The outputs written down in test/fixtures/spec/dcmanager-api.md, copied verbatim into test/fixtures/output. */
const FIXTURES = join(process.cwd(), 'test/fixtures/output')
const SPEC = join(process.cwd(), 'test/fixtures/spec/dcmanager-api.md')
const listExample = readFileSync(join(FIXTURES, 'spec-5.1-list-example.txt'), 'utf8')
const showExample = readFileSync(join(FIXTURES, 'spec-5.1-show-example.txt'), 'utf8')

const SUBCLOUD_LIST = [
  'id',
  'name',
  'management',
  'availability',
  'deploy status',
  'sync',
  'backup status',
  'prestage status',
]
const SUBCLOUD_DETAIL = [
  'id',
  'name',
  'description',
  'location',
  'software_version',
  'management',
  'availability',
  'deploy_status',
  'management_subnet',
  'management_start_ip',
  'management_end_ip',
  'management_gateway_ip',
  'systemcontroller_gateway_ip',
  'group_id',
  'peer_group_id',
  'created_at',
  'updated_at',
  'backup_status',
  'backup_datetime',
  'prestage_status',
  'prestage_versions',
]

describe('dcmanager-api.md §5.1 written-down outputs', () => {
  it.each([
    ['spec-5.1-list-example.txt', listExample],
    ['spec-5.1-show-example.txt', showExample],
  ])('fixture %s is still verbatim in the spec', (_name, block) => {
    if (!existsSync(SPEC)) return // the spec lives beside the checkout; CI and developers have it
    expect(readFileSync(SPEC, 'utf8')).toContain(block)
  })

  it('§5.1 list example (R7.0 columns): byte for byte', () => {
    const out = formatList(
      ['id', 'name', 'management', 'availability', 'deploy status', 'sync'],
      [
        [1, 'subcloud1', 'managed', 'online', 'complete', 'in-sync'],
        [2, 'subcloud2', 'unmanaged', 'offline', 'bootstrap-failed', 'unknown'],
      ],
      options(),
    )
    expect(out).toBe(listExample)
  })

  it('§5.1 show example: every line but the `...` row appears, in order, in the full subcloud show', () => {
    const fields = [...SUBCLOUD_DETAIL, 'dc-cert_sync_status', 'region_name']
    const values = [
      1,
      'subcloud1',
      'Ottawa lab',
      'Ottawa',
      '24.09',
      'managed',
      'online',
      'complete',
      '192.168.101.0/24',
      '192.168.101.2',
      '192.168.101.50',
      '192.168.101.1',
      '192.168.204.101',
      1,
      null,
      '2024-05-01 10:00:00.123456',
      '2024-05-01 10:20:00.654321',
      null,
      null,
      null,
      null,
      'in-sync',
      'bbadb3e8e2ab473792c80ef09c5a12a4',
    ]
    const out = formatShow(fields, values, options()).split('\n')
    const expected = showExample.split('\n').filter((line) => !line.startsWith('| ...'))
    let at = 0
    for (const line of expected) {
      const found = out.indexOf(line, at)
      expect([line, found >= at]).toEqual([line, true])
      at = found + 1
    }
    // ints are left-aligned in a show table, and the table ends the output with one newline
    expect(out).toContain('| id                          | 1                                |')
    expect(out.at(-1)).toBe('')
  })
})

describe('dcmanager-api.md §5.1/§6 empty-list convention', () => {
  it('§6.2 subcloud list with no subclouds: exactly one row of eight <none>', () => {
    expect(noneRow(SUBCLOUD_LIST)).toEqual(new Array(8).fill('<none>'))
    expect(formatList(SUBCLOUD_LIST, [noneRow(SUBCLOUD_LIST)], options())).toBe(
      [
        '+--------+--------+------------+--------------+---------------+--------+---------------+-----------------+',
        '| id     | name   | management | availability | deploy status | sync   | backup status | prestage status |',
        '+--------+--------+------------+--------------+---------------+--------+---------------+-----------------+',
        '| <none> | <none> | <none>     | <none>       | <none>        | <none> | <none>        | <none>          |',
        '+--------+--------+------------+--------------+---------------+--------+---------------+-----------------+',
        '',
      ].join('\n'),
    )
  })

  it('§6.2 subcloud list --detail with none: one row of 22 <none>; §6.10 empty group list: three', () => {
    expect(noneRow([...SUBCLOUD_DETAIL, 'sync'])).toHaveLength(22)
    expect(noneRow(['id', 'name', 'description'])).toEqual([NONE_MARKER, NONE_MARKER, NONE_MARKER])
    expect(
      formatList(['id', 'name', 'description'], [noneRow(['id', 'name', 'description'])], options({format: 'value'})),
    ).toBe('<none> <none> <none>\n')
  })

  it('§5.1 an empty list prints only a newline, or the header block with --print-empty', () => {
    expect(formatList(['id', 'name'], [], options())).toBe('\n')
    expect(formatList(['id', 'name'], [], options({printEmpty: true}))).toBe(
      '+----+------+\n| id | name |\n+----+------+\n+----+------+\n',
    )
    // --print-empty is a table option: other formats print their own empty document
    expect(formatList(['id', 'name'], [], options({format: 'json', printEmpty: true}))).toBe('[]\n')
    expect(formatList(['id', 'name'], [], options({format: 'yaml'}))).toBe('[]\n')
    expect(formatList(['id', 'name'], [], options({format: 'csv'}))).toBe('"id","name"\n')
    expect(formatList(['id', 'name'], [], options({format: 'value'}))).toBe('')
  })
})

describe('dcmanager-api.md §5.1 formatter rules', () => {
  const rows = [
    [1, 'subcloud1', null],
    [2, 'say "hi"', 'x,y'],
  ]

  it('-c with no recognised name: the exact upstream error, as a usage error (exit 2)', () => {
    const run = () => formatList(['id', 'name', 'sync'], rows, options({columns: ['x']}))
    expect(run).toThrow(UsageError)
    expect(run).toThrow("No recognized column names in ['x']. Recognized columns are ('id', 'name', 'sync').")
  })

  it('-c keeps the command order, ignores unknown names', () => {
    expect(formatList(['id', 'name', 'sync'], rows, options({format: 'value', columns: ['sync', 'nope', 'id']}))).toBe(
      '1 None\n2 x,y\n',
    )
  })

  it('csv nonnumeric: strings and None quoted (None as ""), ints bare, quotes doubled', () => {
    expect(formatList(['id', 'name', 'sync'], rows, options({format: 'csv'}))).toBe(
      '"id","name","sync"\n1,"subcloud1",""\n2,"say ""hi""","x,y"\n',
    )
  })

  it('shell: lowercased names with spaces, "-" and ":" as "_", `"` escaped', () => {
    expect(formatShow(['Deploy Status', 'dc-cert:x'], ['a "b"', null], options({format: 'shell', prefix: 'sc_'}))).toBe(
      'sc_deploy_status="a \\"b\\""\nsc_dc_cert_x="None"\n',
    )
  })

  it('json list: array of objects in column order, indent 2, trailing newline', () => {
    expect(formatList(['id', 'name', 'sync'], rows.slice(0, 1), options({format: 'json'}))).toBe(
      '[\n  {\n    "id": 1,\n    "name": "subcloud1",\n    "sync": null\n  }\n]\n',
    )
    expect(formatList(['id', 'name', 'sync'], rows.slice(0, 1), options({format: 'json', noindent: true}))).toBe(
      '[{"id": 1, "name": "subcloud1", "sync": null}]\n',
    )
  })

  it('yaml show: one `key: value` document per column, in column order (not sorted)', () => {
    expect(formatShow(['name', 'id', 'created_at'], ['sc', 1, '2024-05-01 10:00:00'], options({format: 'yaml'}))).toBe(
      "name: sc\nid: 1\ncreated_at: '2024-05-01 10:00:00'\n",
    )
  })
})
