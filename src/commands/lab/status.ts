import {BaseCommand, EXIT_CODES_HELP} from '../../cli/base-command.js'
import {labFlags} from '../../cli/lab-flags.js'
import {showFlags} from '../../cli/output-flags.js'
import {jsonShape} from '../../cli/json-shape.js'

const LAB_STATUS_FIELDS = [
  'state',
  'url',
  'auth_url',
  'dcmanager_url',
  'pid',
  'deployer',
  'subclouds',
  'system_name',
  'system_uuid',
  'system_mode',
  'tls_ca',
  'data_dir',
  'started_at',
]

export default class LabStatus extends BaseCommand<typeof LabStatus> {
  static summary = 'Show whether a lab is running in a data dir, where, and with which deployer.'
  static description = `Shows state running (exit 0) or stopped (exit 0, when no lab runs in the data dir); exit 3 when its process exists but does not answer.

${EXIT_CODES_HELP}`
  static examples = ['<%= config.bin %> lab status', '<%= config.bin %> lab status --data-dir ./mylab -f json']
  static jsonShape = jsonShape.object(LAB_STATUS_FIELDS)
  static flags = {
    ...showFlags,
    ...labFlags,
  }

  async run() {
    const {resolveDataDir} = await import('../../lab/lab-files.js')
    const {runningInstance, probeInstance} = await import('../../lab/lab-process.js')
    const dataDir = resolveDataDir(this.flags['data-dir'], this.flags.site)
    const instance = await runningInstance(dataDir)
    if (!instance) {
      // Not an error: "is a lab running?" has two honest answers, and scripts branch on the state field.
      return this.printShow(LAB_STATUS_FIELDS, [
        'stopped',
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        null,
        dataDir,
        null,
      ])
    }
    const live = await probeInstance(instance)
    const system = (live.system ?? {}) as {name?: string; uuid?: string; mode?: string}
    return this.printShow(LAB_STATUS_FIELDS, [
      'running',
      instance.url,
      instance.authUrl,
      instance.dcmanagerUrl,
      instance.pid,
      String(live.deployer ?? instance.deployer),
      Number(live.subclouds ?? 0),
      system.name ?? null,
      system.uuid ?? null,
      system.mode ?? null,
      instance.caCert ?? null,
      dataDir,
      instance.startedAt,
    ])
  }
}
