import {deprecatedSubcloudCommand} from '../../cli/deprecated-command.js'

export default deprecatedSubcloudCommand({
  summary: 'Restore a subcloud.',
  instead: 'subcloud-backup restore',
  confirms: false,
})
