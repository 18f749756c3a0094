import {Flags} from '@oclif/core'

import {BaseCommand, EXIT_CODES_HELP} from '../../cli/base-command.js'
import {renderSubcloudTemplate, type SystemMode} from '../../core/overrides/template.js'

export default class SubcloudTemplate extends BaseCommand<typeof SubcloudTemplate> {
  static summary = 'Print a commented bootstrap-values template that `dcm subcloud validate` accepts.'
  static description = `Redirect it to a file, replace the example addresses with the site's, and validate:

  dcm subcloud template --system-mode duplex > subcloud2.yml
  dcm subcloud validate subcloud2.yml

${EXIT_CODES_HELP}`
  static examples = [
    '<%= config.bin %> subcloud template > subcloud1.yml',
    '<%= config.bin %> subcloud template --system-mode duplex --ipv6',
    '<%= config.bin %> subcloud template --admin-network',
  ]
  static enableJsonFlag = false
  static flags = {
    'system-mode': Flags.string({
      description: 'simplex (AIO-SX), duplex or duplex-direct (AIO-DX)',
      options: ['simplex', 'duplex', 'duplex-direct'],
      default: 'simplex',
    }),
    ipv6: Flags.boolean({description: 'IPv6 single-stack networks (pxeboot stays IPv4)'}),
    'admin-network': Flags.boolean({
      description: 'reach the System Controller over a routed admin network instead of the management network',
    }),
  }

  async run(): Promise<void> {
    process.stdout.write(
      renderSubcloudTemplate({
        systemMode: this.flags['system-mode'] as SystemMode,
        ipv6: this.flags.ipv6,
        adminNetwork: this.flags['admin-network'],
      }),
    )
  }
}
