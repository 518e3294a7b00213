#!/usr/bin/env node
// The `slm` executable (package.json `bin`). Everything else lives in program.ts so tests and
// `slm demo` can run the CLI in-process.
import { run } from './program.js'

process.exitCode = await run(process.argv)
