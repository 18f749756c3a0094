import {Flags} from '@oclif/core'

import {BaseCommand, EXIT_CODES_HELP} from '../../cli/base-command.js'
import {UsageError} from '../../core/errors.js'
import {defaultOutputOptions, formatList, formatShow} from '../../core/output/index.js'
import {jsonShape} from '../../cli/json-shape.js'

/** Plain tables, as `dcm subcloud list|show` print them by default. */
const TABLE = defaultOutputOptions()

export default class LabDemo extends BaseCommand<typeof LabDemo> {
  static summary = 'A guided first run: start a lab, add a subcloud, route it, manage it, show it.'
  static description = `Starts a throwaway lab System Controller on 127.0.0.1 in a temp dir and runs the installation guide's
flow through dcm's own client library: validate a bootstrap-values file, add the subcloud and wait for its (simulated)
bootstrap, add its host route back to the System Controller, watch it come online, manage it, and show it.
Nothing leaves this machine. The lab is stopped and its temp dir removed at the end (keep it with --keep).

${EXIT_CODES_HELP}`
  static jsonShape = jsonShape.none()
  static examples = [
    '<%= config.bin %> lab demo',
    '<%= config.bin %> lab demo --time-scale 0.2',
    '<%= config.bin %> lab demo --scenario orchestration',
    '<%= config.bin %> lab demo --scenario recovery',
    '<%= config.bin %> lab demo --scenario geo --time-scale 0.2',
  ]
  static flags = {
    scenario: Flags.string({
      description:
        'guide: the installation guide for one subcloud; orchestration: a sw-deploy strategy over 20 subclouds in 2 stages, one failing; recovery: a bootstrap failing at a task, resumed, then a backup and a restore from it; geo: two sites, a peer group of 3 subclouds synced A -> B, A stopped, the group migrated to B',
      options: ['guide', 'orchestration', 'recovery', 'geo'],
      default: 'guide',
    }),
    'time-scale': Flags.string({description: 'scale of the simulated deploy time (1 = about 4 s)', default: '1'}),
    keep: Flags.boolean({description: "keep the lab's data dir (restart it with dcm lab start --data-dir DIR)"}),
  }

  async run() {
    const timeScale = Number(this.flags['time-scale'])
    if (!Number.isFinite(timeScale) || timeScale < 0) {
      throw new UsageError(`--time-scale must be a non-negative number, got "${this.flags['time-scale']}"`)
    }
    const runLabDemo =
      this.flags.scenario === 'orchestration'
        ? (await import('../../lab/scenarios/orchestration-demo.js')).runOrchestrationDemo
        : this.flags.scenario === 'geo'
          ? (await import('../../lab/demo-scenarios/geo.js')).runGeoDemo
          : (await import('../../lab/demo.js')).runLabDemo
    const scenario =
      this.flags.scenario === 'recovery'
        ? (await import('../../lab/demo-scenarios/recovery.js')).recoveryScenario
        : undefined
    const {SUBCLOUD_LIST, subcloudListRow, subcloudShow} = await import('../../core/subclouds/columns.js')
    const started = Date.now()
    const stamp = () => `${((Date.now() - started) / 1000).toFixed(1).padStart(5)}s`
    const result = await this.withInterrupt(
      (signal) =>
        runLabDemo({
          scenario,
          timeScale,
          keep: this.flags.keep,
          signal,
          onEvent: (event) => {
            switch (event.kind) {
              case 'step':
                this.log(`\n[${event.number}] ${event.title}`)
                for (const line of event.detail ?? []) this.log(`    ${line}`)
                break
              case 'progress':
                this.log(`    ${stamp()}  ${event.line}`)
                break
              case 'note':
                this.log(`    ${event.line}`)
                break
              case 'list':
                this.log('\n$ dcm subcloud list')
                process.stdout.write(formatList(SUBCLOUD_LIST, event.subclouds.map(subcloudListRow), TABLE))
                break
              case 'show': {
                this.log(`\n$ dcm subcloud show ${event.subcloud.name} --detail`)
                const {fields, values} = subcloudShow(event.subcloud)
                process.stdout.write(formatShow(fields, values, TABLE))
                break
              }
            }
          },
        }),
      {signals: ['SIGINT'], onRepeat: 'exit'},
    )
    this.log(
      `\nDone in ${stamp().trim()}. ${this.flags.keep ? `Lab data kept in ${result.dataDir}.` : 'The lab was stopped and its temp dir removed.'}`,
    )
    this.log(
      'Next: `dcm lab start --detach`, then `eval "$(dcm lab env)"` and use dcm subcloud ... as on a System Controller.',
    )
  }
}
