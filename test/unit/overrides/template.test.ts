import {describe, expect, it} from '@jest/globals'

import {parseOverrideText, validateSubcloudOverrides} from '../../../src/core/overrides/index.js'
import {renderSubcloudTemplate, type SystemMode} from '../../../src/core/overrides/template.js'

const combinations = (['simplex', 'duplex', 'duplex-direct'] as SystemMode[]).flatMap((systemMode) =>
  [false, true].flatMap((ipv6) => [false, true].map((adminNetwork) => ({systemMode, ipv6, adminNetwork}))),
)

describe('subcloud template', () => {
  it.each(combinations)('%o validates clean and says what it is', async (options) => {
    const text = renderSubcloudTemplate(options)
    expect(text).not.toMatch(/\{\{|\}\}/)
    const loaded = parseOverrideText(text, 'template.yml')
    expect(await validateSubcloudOverrides(loaded)).toEqual([])
    expect(loaded.values.system_mode).toBe(options.systemMode)
    expect('admin_subnet' in loaded.values).toBe(options.adminNetwork)
    expect('management_gateway_address' in loaded.values).toBe(!options.adminNetwork)
    expect(String(loaded.values.management_subnet).includes(':')).toBe(options.ipv6)
    expect('external_oam_node_0_address' in loaded.values).toBe(options.systemMode !== 'simplex')
    // every key is explained: the template is commented
    expect(text.split('\n').filter((line) => line.startsWith('#')).length).toBeGreaterThan(20)
  })
})
