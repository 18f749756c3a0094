import {authFlags, dcmanagerFromFlags} from '../../cli/auth-flags.js'
import {associationIdArg} from '../../cli/association-id.js'
import {BaseCommand, EXIT_CODES_HELP} from '../../cli/base-command.js'
import {jsonShape} from '../../cli/json-shape.js'
import {showFlags} from '../../cli/output-flags.js'
import {waitFlags, waitProgress} from '../../cli/wait-flags.js'
import type {PeerGroupAssociation} from '../../core/api/geo-types.js'
import {PGA_DETAIL, associationDetail} from '../../core/geo/columns.js'
import {formatElapsed} from '../../core/output/elapsed.js'

export default class PeerGroupAssociationSync extends BaseCommand<typeof PeerGroupAssociationSync> {
  static summary = 'Sync the subcloud peer group to peer site.'
  static description = `Pushes the peer group and its subclouds to the peer site again (primary site only); the answer says syncing.

--wait (dcm) follows the sync status: exit 0 in-sync, 1 failed (with the sync message), out-of-sync or unknown (peer unreachable), 4 on --timeout, 130 on Ctrl-C (the sync continues); then shows the association as it is.\n\n${EXIT_CODES_HELP}`
  static examples = ['<%= config.bin %> peer-group-association sync 1 --wait']
  static jsonShape = jsonShape.object(PGA_DETAIL)
  static args = {id: associationIdArg('ID of the peer group association to sync.')}
  static flags = {...showFlags, ...authFlags, ...waitFlags('the sync status until in-sync or failed', 1800)}

  async run() {
    const id = this.args.id
    const client = await dcmanagerFromFlags(this.flags, this.debugLine)
    let association: PeerGroupAssociation = await client.peerGroupAssociations.sync(id)
    if (this.flags.wait) association = await this.follow(client, id)
    return this.printShow(PGA_DETAIL, associationDetail(association))
  }

  private async follow(client: Awaited<ReturnType<typeof dcmanagerFromFlags>>, id: string) {
    const {waitForSync} = await import('../../core/flows/wait-for-sync.js')
    const progress = await waitProgress(Boolean(this.flags.quiet) || this.jsonEnabled())
    try {
      return await this.withInterrupt((signal) =>
        waitForSync(client, id, {
          timeoutMs: this.flags.timeout * 1000,
          intervalMs: this.flags['poll-interval'],
          signal,
          onRetry: (error, delayMs) => this.debugLine(`retrying in ${delayMs} ms: ${error.message}`),
          onProgress: ({state, changed, elapsedMs}) =>
            progress.update(
              `peer group association ${id}: ${state}, ${formatElapsed(elapsedMs, 'clock')} elapsed`,
              changed,
            ),
        }),
      )
    } finally {
      progress.end()
    }
  }
}
