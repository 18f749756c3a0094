import {authFlags, dcmanagerFromFlags} from '../../cli/auth-flags.js'
import {BaseCommand, EXIT_CODES_HELP} from '../../cli/base-command.js'
import {jsonShape} from '../../cli/json-shape.js'
import {nameArg} from '../../cli/names.js'
import {listerFlags} from '../../cli/output-flags.js'
import {passwordFlags, resolveSysadminPassword} from '../../cli/subcloud-passwords.js'
import {waitFlags, waitProgress} from '../../cli/wait-flags.js'
import {base64Password} from '../../core/api/multipart.js'
import type {Subcloud} from '../../core/api/dcmanager-types.js'
import {formatElapsed} from '../../core/output/elapsed.js'
import {SUBCLOUD_DETAIL, rowsOrNone, subcloudDetailRow} from '../../core/subclouds/columns.js'

export default class SubcloudPeerGroupMigrate extends BaseCommand<typeof SubcloudPeerGroupMigrate> {
  static summary = 'Migrate subclouds in this peer group.'
  static description = `Rehomes the group's secondary, rehome-failed and rehome-prep-failed subclouds to this site (run it on the site taking them over) and lists them as they were when the migration started. The sysadmin password comes from --sysadmin-password, --sysadmin-password-stdin, DCM_SYSADMIN_PASSWORD or a hidden prompt.

--wait (dcm) follows the migration until every one of those subclouds is rehomed or failed and the batch has ended, then lists them as they are: exit 0 all rehomed, 1 some failed (listed all the same, the failed ones named with their state), 4 on --timeout, 130 on Ctrl-C (the migration continues).\n\n${EXIT_CODES_HELP}`
  static examples = [
    '<%= config.bin %> subcloud-peer-group migrate pg-east --sysadmin-password-stdin --wait < password.txt',
  ]
  static jsonShape = jsonShape.list(SUBCLOUD_DETAIL)
  static args = {
    group: nameArg('Subcloud peer group', {description: 'Name or ID of the subcloud peer group to migrate.'}),
  }
  static flags = {
    ...listerFlags,
    ...authFlags,
    ...passwordFlags({
      sysadmin:
        'Sysadmin password of the subclouds to be configured, if not provided you will be prompted. [env: DCM_SYSADMIN_PASSWORD]',
    }),
    ...waitFlags('the migration until every subcloud is rehomed or failed', 3600),
  }

  async run() {
    const f = this.flags
    const ref = this.args.group
    const password = await resolveSysadminPassword(f)
    const client = await dcmanagerFromFlags(this.flags, this.debugLine)
    const started = await client.subcloudPeerGroups.migrate(ref, base64Password(password))
    return this.list(f.wait ? await this.follow(client, ref, started) : started)
  }

  private list(subclouds: Subcloud[]) {
    return this.printList(
      SUBCLOUD_DETAIL,
      rowsOrNone(SUBCLOUD_DETAIL, subclouds.map(subcloudDetailRow), this.jsonEnabled()),
    )
  }

  private async follow(
    client: Awaited<ReturnType<typeof dcmanagerFromFlags>>,
    ref: string,
    started: Subcloud[],
  ): Promise<Subcloud[]> {
    const {waitForMigration, MigrationFailedError} = await import('../../core/flows/wait-for-migration.js')
    const progress = await waitProgress(Boolean(this.flags.quiet) || this.jsonEnabled())
    try {
      const snapshot = await this.withInterrupt((signal) =>
        waitForMigration(client, ref, started, {
          timeoutMs: this.flags.timeout * 1000,
          intervalMs: this.flags['poll-interval'],
          signal,
          onRetry: (error, delayMs) => this.debugLine(`retrying in ${delayMs} ms: ${error.message}`),
          onProgress: ({snapshot: s, changed, elapsedMs}) =>
            progress.update(
              `${ref}: ${s.group.migration_status ?? 'migration not started'}: ${s.rehomed.length} of ${s.subclouds.length} rehomed, ${s.failed.length} failed, ${s.pending.length} in progress, ${formatElapsed(elapsedMs, 'clock')} elapsed`,
              changed,
            ),
        }),
      )
      return snapshot.subclouds
    } catch (error) {
      // Failed rehomes still list every subcloud as it ended (table on stdout), then the error (exit 1).
      if (error instanceof MigrationFailedError && !this.jsonEnabled()) {
        progress.end()
        this.list(error.snapshot.subclouds)
      }
      throw error
    } finally {
      progress.end()
    }
  }
}
