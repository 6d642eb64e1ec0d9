#!/usr/bin/env -S MALLOC_ARENA_MAX=2 node --max-semi-space-size=4
import { buildCli } from './cli.js'
import { explainStartupFailure } from './startup-failure.js'

try {
  await buildCli().parseAsync(process.argv)
} catch (error) {
  const line = explainStartupFailure(error)
  if (line === null) throw error
  process.stderr.write(`intake: ${line}\n`)
  process.exit(1)
}
