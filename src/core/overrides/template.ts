/**
 * `dcm subcloud template`: a commented bootstrap-values file that `dcm subcloud validate` accepts as is, from
 * templates/subcloud-bootstrap-values.yaml.tmpl. The template has `{{name}}` values and `{{#flag}}...{{/flag}}` /
 * `{{^flag}}...{{/flag}}` blocks (kept or dropped whole lines), nothing more.
 */
import {readPackageFile} from '../package-files.js'

export type SystemMode = 'simplex' | 'duplex' | 'duplex-direct'

export interface TemplateOptions {
  systemMode: SystemMode
  ipv6: boolean
  adminNetwork: boolean
}

const ADDRESSES = {
  4: {
    mgmtSubnet: '192.168.101.0/24',
    mgmtStart: '192.168.101.2',
    mgmtEnd: '192.168.101.50',
    mgmtGateway: '192.168.101.1',
    adminSubnet: '192.168.105.0/24',
    adminStart: '192.168.105.2',
    adminEnd: '192.168.105.20',
    adminGateway: '192.168.105.1',
    scSubnet: '192.168.204.0/24',
    scPool: '192.168.204.2-192.168.204.50',
    scGateway: '192.168.204.101',
    oamSubnet: '10.10.10.0/24',
    oamGateway: '10.10.10.1',
    oamFloating: '10.10.10.12',
    oamNode0: '10.10.10.13',
    oamNode1: '10.10.10.14',
    oamMinimum: 'IPv4 /29 or larger',
    dnsExample: '8.8.8.8',
  },
  6: {
    mgmtSubnet: 'fd00:101::/64',
    mgmtStart: 'fd00:101::2',
    mgmtEnd: 'fd00:101::50',
    mgmtGateway: 'fd00:101::1',
    adminSubnet: 'fd00:105::/64',
    adminStart: 'fd00:105::2',
    adminEnd: 'fd00:105::20',
    adminGateway: 'fd00:105::1',
    scSubnet: 'fd00:204::/64',
    scPool: 'fd00:204::2-fd00:204::50',
    scGateway: 'fd00:204::101',
    oamSubnet: '2001:db8:10::/64',
    oamGateway: '2001:db8:10::1',
    oamFloating: '2001:db8:10::12',
    oamNode0: '2001:db8:10::13',
    oamNode1: '2001:db8:10::14',
    oamMinimum: 'IPv6 /64 or longer prefix',
    dnsExample: '2001:4860:4860::8888',
  },
} as const

export function renderSubcloudTemplate(options: TemplateOptions): string {
  const source = readPackageFile('templates/subcloud-bootstrap-values.yaml.tmpl')
  const flags: Record<string, boolean> = {
    admin: options.adminNetwork,
    ipv6: options.ipv6,
    duplex: options.systemMode !== 'simplex',
  }
  const command = [
    `--system-mode ${options.systemMode}`,
    ...(options.ipv6 ? ['--ipv6'] : []),
    ...(options.adminNetwork ? ['--admin-network'] : []),
  ].join(' ')
  const values: Record<string, string> = {
    ...ADDRESSES[options.ipv6 ? 6 : 4],
    mode: options.systemMode,
    command,
    routed: options.adminNetwork ? 'admin' : 'management',
    description: `${options.systemMode === 'simplex' ? 'AIO-SX' : 'AIO-DX'} subcloud, ${options.ipv6 ? 'IPv6' : 'IPv4'}${options.adminNetwork ? ', admin network' : ''}`,
  }
  const out: string[] = []
  const open: boolean[] = []
  for (const line of source.split('\n')) {
    const block = /^\{\{([#^/])(\w+)\}\}$/.exec(line.trim())
    if (block) {
      const [, sign, name] = block
      if (!(name in flags)) throw new Error(`template: unknown block ${name}`)
      if (sign === '/') open.pop()
      else open.push(sign === '#' ? flags[name] : !flags[name])
      continue
    }
    if (open.every(Boolean))
      out.push(
        line.replace(/\{\{(\w+)\}\}/g, (_, name: string) => {
          if (!(name in values)) throw new Error(`template: unknown value ${name}`)
          return values[name]
        }),
      )
  }
  return out.join('\n')
}
