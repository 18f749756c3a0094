import {deprecatedSubcloudCommand} from '../../cli/deprecated-command.js'

export default deprecatedSubcloudCommand({
  summary: 'Reinstall a subcloud.',
  instead: "'subcloud redeploy'",
  confirms: true,
})
