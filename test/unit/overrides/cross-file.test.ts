import {describe, expect, it} from '@jest/globals'
import {stringify} from 'yaml'

import {findCrossFileConflicts, parseOverrideText, type LoadedOverrides} from '../../../src/core/overrides/index.js'
import {simplexIpv4, withAdmin} from './helpers.js'

function site(index: number, changes: Record<string, unknown> = {}): LoadedOverrides {
  const third = 100 + index
  const values = {
    ...simplexIpv4(),
    name: `subcloud${index}`,
    management_subnet: `192.168.${third}.0/24`,
    management_start_address: `192.168.${third}.2`,
    management_end_address: `192.168.${third}.50`,
    management_gateway_address: `192.168.${third}.1`,
    external_oam_subnet: `10.20.${index}.0/24`,
    external_oam_gateway_address: `10.20.${index}.1`,
    external_oam_floating_address: `10.20.${index}.12`,
    ...changes,
  }
  return parseOverrideText(stringify(values), `site${index}.yml`)
}

describe('findCrossFileConflicts', () => {
  it('finds nothing among distinct sites', () => {
    expect(findCrossFileConflicts([site(1), site(2), site(3)])).toEqual([])
  })

  it('reports a duplicate name on the later file, at the name line', () => {
    const findings = findCrossFileConflicts([site(1), site(2, {name: 'subcloud1'})])
    expect(findings).toEqual([
      {
        severity: 'error',
        rule: 'XFILE-NAME',
        key: 'name',
        message: 'name subcloud1 is also used by site1.yml',
        file: 'site2.yml',
        line: 2,
        column: 7,
      },
    ])
  })

  it('reports overlapping management subnets, including one nested in another', () => {
    const findings = findCrossFileConflicts([site(1, {management_subnet: '192.168.0.0/16'}), site(2), site(3)])
    expect(findings.map((finding) => [finding.file, finding.severity, finding.message])).toEqual([
      [
        'site2.yml',
        'error',
        'management_subnet 192.168.102.0/24 of subcloud2 overlaps management_subnet 192.168.0.0/16 of subcloud1 (site1.yml)',
      ],
      [
        'site3.yml',
        'error',
        'management_subnet 192.168.103.0/24 of subcloud3 overlaps management_subnet 192.168.0.0/16 of subcloud1 (site1.yml)',
      ],
    ])
  })

  it("an OAM subnet inside another site's management subnet is an error; two equal OAM subnets only warn", () => {
    const oamInManagement = findCrossFileConflicts([site(1), site(2, {external_oam_subnet: '192.168.101.128/25'})])
    expect(oamInManagement.map((finding) => [finding.severity, finding.key])).toEqual([
      ['error', 'external_oam_subnet'],
    ])
    const sameOam = findCrossFileConflicts([site(1), site(2, {external_oam_subnet: '10.20.1.0/24'})])
    expect(sameOam.map((finding) => [finding.severity, finding.key])).toEqual([['warning', 'external_oam_subnet']])
  })

  it('with admin networks the routed subnet is the admin one; site-local management subnets may repeat (Q9)', () => {
    const a = parseOverrideText(stringify({...withAdmin(simplexIpv4()), name: 'a'}), 'a.yml')
    const b = parseOverrideText(
      stringify({
        ...withAdmin(simplexIpv4()),
        name: 'b',
        external_oam_subnet: '10.30.0.0/24',
        external_oam_gateway_address: '10.30.0.1',
        external_oam_floating_address: '10.30.0.12',
      }),
      'b.yml',
    )
    const findings = findCrossFileConflicts([a, b])
    expect(findings.map((finding) => finding.key)).toEqual(['admin_subnet'])
  })

  it('handles thousands of files (sort and sweep, not pairwise)', () => {
    const files = Array.from({length: 3000}, (_, index) =>
      parseOverrideText(
        `name: s${index}\nmanagement_subnet: 10.${index >> 8}.${index & 255}.0/24\nexternal_oam_subnet: 172.${16 + (index >> 8)}.${index & 255}.0/24\n`,
        `s${index}.yml`,
      ),
    )
    files.push(parseOverrideText('name: s7\nmanagement_subnet: 10.0.0.0/8\n', 'wide.yml'))
    const findings = findCrossFileConflicts(files)
    expect(findings.filter((finding) => finding.rule === 'XFILE-NAME')).toHaveLength(1)
    // the /8 contains every one of the 3000 management subnets
    expect(findings.filter((finding) => finding.rule === 'XFILE-OVERLAP')).toHaveLength(3000)
  })
})
