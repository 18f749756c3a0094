/** cliff's defaults (no output flags given, stdout not a TTY), overridden per test. */
export {defaultOutputOptions as options} from '../../../src/core/output/index.js'
