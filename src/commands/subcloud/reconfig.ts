import {deprecatedSubcloudCommand} from '../../cli/deprecated-command.js'

export default deprecatedSubcloudCommand({
  summary: 'Reconfigure a subcloud.',
  instead: "'subcloud deploy config'",
  confirms: true,
})
