import { Command } from 'commander'
import pino from 'pino'
import { bootstrap, startBackground } from '../../main.js'
import { ensureWritableDir } from '../../store/data-dir.js'
import { configOrExit } from '../config-or-exit.js'
import { memoryLine } from '../heap-growth.js'

/** `intake worker`: processes executions without serving HTTP (pair with `intake serve --no-worker`). */
export function workerCommand(): Command {
  return new Command('worker')
    .description('Process executions from the job queue (no HTTP); several may share one PostgreSQL database')
    .option('--stale-after-ms <ms>', 'recover jobs whose worker has not heartbeaten for this long', '30000')
    .action(async (options: { staleAfterMs: string }) => {
      const config = configOrExit()
      const staleAfterMs = Number(options.staleAfterMs)
      if (!Number.isSafeInteger(staleAfterMs) || staleAfterMs < 100) {
        process.stderr.write('--stale-after-ms must be an integer of at least 100\n')
        process.exit(2)
      }
      const log = pino({ level: config.logLevel })
      ensureWritableDir(config.dataDir)
      const booted = await bootstrap(config, { provisionAdmin: false })
      const running = startBackground(booted.services, {
        log,
        staleAfterMs,
        reapEveryMs: Math.min(10_000, staleAfterMs),
      })
      log.info(
        {
          workerId: running.worker.id,
          concurrency: config.workerConcurrency,
          memory: memoryLine(config),
        },
        'worker started',
      )
      process.stdout.write(`Intake worker ${running.worker.id} is processing executions and schedules\n`)
      let stopping = false
      const shutdown = (signal: string): void => {
        if (stopping) return
        stopping = true
        log.info({ signal }, 'worker shutting down')
        running
          .stop()
          .then(() => booted.close())
          .then(
            () => process.exit(0),
            (error: unknown) => {
              log.error({ err: error }, 'worker shutdown failed')
              process.exit(1)
            },
          )
      }
      process.once('SIGTERM', () => shutdown('SIGTERM'))
      process.once('SIGINT', () => shutdown('SIGINT'))
    })
}
