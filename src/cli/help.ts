import {Help} from '@oclif/core'

import {environmentHelp} from './environment.js'

/**
 * dcm's help: oclif's, plus the ENVIRONMENT section at the end of `dcm --help` (package.json oclif.helpClass; the
 * single executable bundles it in, scripts/package.js).
 */
export default class DcmHelp extends Help {
  protected async showRootHelp(): Promise<void> {
    await super.showRootHelp()
    this.log(this.section('ENVIRONMENT', environmentHelp()))
  }
}
