import { Command } from 'commander'
import { startServer } from '../../http/server.js'
import { configOrExit } from '../config-or-exit.js'
import { memoryLine } from '../heap-growth.js'

export function serveCommand(): Command {
  return new Command('serve')
    .description('Run the HTTP API and an execution worker (migrates the database first)')
    .option('--no-worker', 'serve the API only; run `intake worker` processes for the executions')
    .action(async (options: { worker: boolean }) => {
      const config = configOrExit()
      const server = await startServer(config, { worker: options.worker })
      const out = process.stdout
      out.write(`\nIntake is listening on ${server.url}\n`)
      out.write(
        `  console:      ${server.url}/console/  (sign in with ${server.generatedAdminToken ? 'the admin token below' : 'an API token'})\n`,
      )
      out.write(
        `  database:     ${config.database.dialect}${config.database.dialect === 'sqlite' ? ` (${config.database.url})` : ''}\n`,
      )
      out.write(`  workspace id: ${server.workspaceId}\n`)
      out.write(`  API base:     ${server.url}/jsm/assets/workspace/${server.workspaceId}/v1\n`)
      out.write(`  docs:         ${server.url}/docs\n`)
      out.write(
        `  worker:       ${options.worker ? `in-process (${config.workerConcurrency})` : 'none (--no-worker)'}\n`,
      )
      out.write(`  memory:       ${memoryLine(config)}\n`)
      if (server.generatedAdminToken) {
        out.write(`  admin token:  ${server.generatedAdminToken}\n`)
        out.write('                (shown once; it is stored only as a hash — keep it now)\n')
      }
      out.write('\n')
      const shutdown = (signal: string): void => {
        server.app.log.info({ signal }, 'shutting down')
        server.stop().then(
          () => process.exit(0),
          (error: unknown) => {
            server.app.log.error({ err: error }, 'shutdown failed')
            process.exit(1)
          },
        )
      }
      process.once('SIGTERM', () => shutdown('SIGTERM'))
      process.once('SIGINT', () => shutdown('SIGINT'))
    })
}
