// Jest's console adds "at file:line" noise to captured output; a plain Console keeps stdout parseable.
import {Console} from 'node:console'
globalThis.console = new Console({stdout: process.stdout, stderr: process.stderr})
