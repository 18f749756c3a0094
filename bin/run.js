#!/usr/bin/env node
import {execute, settings} from '@oclif/core'

// dcm always runs its compiled dist/: with NODE_ENV=development or test, oclif would otherwise look for the
// TypeScript sources of the help class and fail to load them.
settings.enableAutoTranspile = false

await execute({dir: import.meta.url})
