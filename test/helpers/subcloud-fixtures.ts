import {mkdtempSync, rmSync, writeFileSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

/**
 * Bootstrap-values files for the client tests, written to a temp dir (the shared examples are not
 * read at run time). `overrides` replaces keys of the valid simplex IPv4 file.
 */
export function bootstrapValues(name: string, overrides: Record<string, string> = {}): string {
  const values: Record<string, string> = {
    system_mode: 'simplex',
    name,
    description: '"AIO-SX edge site, IPv4"',
    location: '"Ottawa"',
    management_subnet: '192.168.101.0/24',
    management_start_address: '192.168.101.2',
    management_end_address: '192.168.101.50',
    management_gateway_address: '192.168.101.1',
    systemcontroller_gateway_address: '192.168.204.101',
    external_oam_subnet: '10.10.10.0/24',
    external_oam_gateway_address: '10.10.10.1',
    external_oam_floating_address: '10.10.10.12',
    ...overrides,
  }
  return Object.entries(values)
    .map(([key, value]) => `${key}: ${value}\n`)
    .join('')
}

export interface FixtureDir {
  dir: string
  write(name: string, text: string): string
  cleanup(): void
}

export function fixtureDir(): FixtureDir {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'dcm-sc-'))
  return {
    dir,
    write(name, text) {
      const file = path.join(dir, name)
      writeFileSync(file, text)
      return file
    },
    cleanup: () => rmSync(dir, {recursive: true, force: true}),
  }
}
