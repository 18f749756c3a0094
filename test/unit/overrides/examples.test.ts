import {describe, expect, it} from '@jest/globals'
import path from 'node:path'

import {formatFinding, loadOverrideFile, validateSubcloudOverrides} from '../../../src/core/overrides/index.js'
import {fixturesDir} from '../../helpers/cli.js'

const examples = path.join(fixturesDir, 'examples', 'bootstrap')

describe('the six example files give their README verdicts', () => {
  it.each([
    'valid-simplex-ipv4.yaml',
    'valid-duplex-ipv4.yaml',
    'valid-simplex-ipv6.yaml',
    'valid-simplex-admin-network.yaml',
  ])('%s: no finding at all', async (name) => {
    expect(await validateSubcloudOverrides(loadOverrideFile(path.join(examples, name)))).toEqual([])
  })

  it.each([
    [
      'invalid-overlapping-subnet.yaml',
      'SEM-OVL-1',
      'invalid-overlapping-subnet.yaml:33:22: cluster_host_subnet 192.168.110.128/26 overlaps management_subnet 192.168.110.0/24',
    ],
    [
      'invalid-gateway-outside-subnet.yaml',
      'SEM-MGMT-6',
      'invalid-gateway-outside-subnet.yaml:23:29: management_gateway_address invalid: Address must be in subnet 192.168.121.0/24',
    ],
  ])('%s: one error, %s', async (name, rule, line) => {
    const findings = await validateSubcloudOverrides(loadOverrideFile(path.join(examples, name)))
    expect(findings.map((finding) => [finding.rule, finding.severity])).toEqual([[rule, 'error']])
    expect(formatFinding(findings[0])).toBe(path.join(examples, line))
  })
})
