import type { FastifyServerOptions } from 'fastify'
import pino, { type LevelWithSilent } from 'pino'

/**
 * Under load, lines are written in batches of about this many bytes: one write per request line (an async fs.write
 * each, through libuv's thread pool) cost the server about as much as its SQL did on GET object/{id}.
 */
export const LOG_BATCH_BYTES = 8 * 1024
/** A quiet server's lines wait at most this long. */
export const LOG_FLUSH_MS = 200
/** From this level on (warn, error, fatal) a line is written at once, with whatever waits before it. */
const WRITE_AT_ONCE_LEVEL = 40

/**
 * The server's logger: pino JSON lines on stdout, the request credentials redacted, written in batches (see
 * LOG_BATCH_BYTES) and at once from a warning up. Buffered lines are written when the process exits (pino flushes
 * its destination synchronously on exit); only a killed process (SIGKILL) can lose the last
 * LOG_FLUSH_MS of info lines.
 */
export function serverLogger(level: LevelWithSilent): NonNullable<FastifyServerOptions['logger']> {
  const stream = pino.destination({
    dest: process.stdout.fd,
    sync: false,
    minLength: LOG_BATCH_BYTES,
    periodicFlush: LOG_FLUSH_MS,
  })
  return {
    level,
    stream,
    redact: ['req.headers.authorization', 'req.headers.token', 'req.headers.cookie'],
    hooks: {
      logMethod(args, method, lineLevel) {
        method.apply(this, args)
        if (lineLevel >= WRITE_AT_ONCE_LEVEL) stream.flush()
      },
    },
  }
}
