import {Flags} from '@oclif/core'

import {authFlags} from './auth-flags.js'
import {BaseCommand} from './base-command.js'
import {jsonShape} from './json-shape.js'
import {confirmHighRisk} from './prompts.js'
import {OperationError} from '../core/errors.js'

/**
 * The subcloud commands upstream retired but still answers (`subcloud reconfig|reinstall|restore`,
 * dcmanager-api.md §5.4): no argument, and always upstream's deprecation text as the error (exit 1), after the
 * high-risk confirmation where upstream asks one. Nothing is sent. One base, one line per command.
 */
export function deprecatedSubcloudCommand(options: {summary: string; instead: string; confirms: boolean}) {
  const message = `This command has been deprecated. Please use ${options.instead} instead.`
  return class DeprecatedSubcloudCommand extends BaseCommand<typeof DeprecatedSubcloudCommand> {
    static summary = options.summary
    static description = `Notice: ${message}`
    static jsonShape = jsonShape.none()
    static flags = {
      ...authFlags,
      ...(options.confirms
        ? {yes: Flags.boolean({description: 'Skip confirmation and proceed with the action.'})}
        : {}),
    }

    async run(): Promise<void> {
      if (options.confirms) await confirmHighRisk((this.flags as {yes?: boolean}).yes)
      throw new OperationError(message)
    }
  }
}
