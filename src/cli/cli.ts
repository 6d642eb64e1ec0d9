import { Command } from 'commander'
import { VERSION } from '../version.js'
import { executionsCommand } from './commands/executions.command.js'
import { revertCommand } from './commands/revert.command.js'
import { importCommand } from './commands/import.command.js'
import { migrateCommand } from './commands/migrate.command.js'
import { applyCommand, planCommand } from './commands/plan.command.js'
import { serveCommand } from './commands/serve.command.js'
import { sourcesCommand } from './commands/sources.command.js'
import { tokenCommand } from './commands/token.command.js'
import { workerCommand } from './commands/worker.command.js'

export function buildCli(): Command {
  const program = new Command()
    .name('intake')
    .description('Intake: self-hosted data import service with an Assets-compatible import API')
    .version(VERSION, '-V, --version', 'print the version of Intake')
    .showHelpAfterError()
  program.addCommand(serveCommand())
  program.addCommand(migrateCommand())
  program.addCommand(tokenCommand())
  program.addCommand(workerCommand())
  program.addCommand(importCommand())
  program.addCommand(sourcesCommand())
  program.addCommand(executionsCommand())
  program.addCommand(planCommand())
  program.addCommand(applyCommand())
  program.addCommand(revertCommand())
  return program
}
