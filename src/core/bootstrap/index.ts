export {AnsibleStreamParser, failureMessage} from './ansible-events.js'
export {runBootstrap} from './engine.js'
export {describeError, describePlaybookFailure, describeTimeout} from './error-description.js'
export {BootstrapLog, defaultLogDir} from './log-file.js'
export {BOOTSTRAP_ROLES, RunTracker} from './run-tracker.js'
export * from './remote-commands.js'
export * from './types.js'
export {
  STARLINGX_MARKERS,
  checkOamSubnet,
  checkRelease,
  runPreflight,
  type BootstrapMarkers,
  type PreflightCheck,
  type PreflightOptions,
  type PreflightReport,
  type Verdict,
} from './preflight.js'
export {readTaskEstimate, saveTaskEstimate, taskEstimateFile} from './task-estimate.js'
