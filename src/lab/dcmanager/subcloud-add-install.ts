import {checkInstallValues} from '../../core/overrides/install-values.js'
import {bad} from './subcloud-add-fields.js'

/**
 * Stage 4.5 of `POST /v1.0/subclouds` (dcmanager-api.md §4.5): the install values. The checks themselves are
 * core's `checkInstallValues` (upstream's InstallValuesValidator, in its order and with its texts), the same rules
 * the client's offline validation applies: the lab only maps the first failure to a 400.
 */
export interface InstallContext {
  onSite: boolean
  bmcPassword: string | undefined
  bootstrapAddress: string
  softwareVersion: string
  oamFamily: 4 | 6
}

/** §4.5, in order. Returns `data_install` without the BMC password (the lab writes no secrets). */
export function validateInstallValues(values: Record<string, unknown>, context: InstallContext): string {
  const checked = checkInstallValues(values, {
    onSite: context.onSite,
    bmcPassword: context.bmcPassword,
    bootstrapAddress: context.bootstrapAddress || undefined,
    softwareVersion: context.softwareVersion,
    oamFamily: context.oamFamily,
  })
  if (!checked.ok) throw bad(checked.failure.message)
  const install = {...checked.values}
  delete install.bmc_password
  return JSON.stringify(install)
}
