import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'

/**
 * Checkpoints a SQLite database's WAL (copies its pages into the database file, then syncs it) on a thread of its
 * own, off the event loop.
 *
 * An import commits a large transaction in one go: with the connection's automatic checkpoint, the commit then
 * copied every page the import wrote into the database file and synced it before returning — at 200,000 objects
 * ~1.4 µs per object of the commit's ~1.7 (docs/benchmarks.md, issue 11 seventh pass), during which better-sqlite3
 * held the whole process. The engine's connection now turns its automatic checkpoint off for a bulk transaction
 * and asks this one after the commit. Durability does not change: a WAL commit is durable (as `synchronous` says)
 * before any checkpoint; the checkpoint only lets the WAL start over. Readers and the next writer run meanwhile
 * (WAL mode); a checkpoint another connection starts meanwhile finds this one running and returns at once.
 *
 * The thread is started for the checkpoint and ends after it (a worker holds ~10 MB): a request while one runs
 * makes it run once more, for the frames written since.
 */
export interface Checkpointer {
  /** Asks for a checkpoint soon (PASSIVE: waits for no reader or writer). */
  request(): void
  /** Resolves once no checkpoint is running or asked for. */
  settled(): Promise<void>
  /** Waits for the running checkpoint, if any, and starts no other. */
  close(): Promise<void>
}

const require = createRequire(import.meta.url)

/** The worker's code: one PASSIVE checkpoint on its own connection, then it ends. */
const WORKER = `
const { parentPort, workerData } = require('node:worker_threads')
const Database = require(workerData.module)
const db = new Database(workerData.file, { fileMustExist: true })
try {
  // As the store's connections: the checkpoint syncs the WAL before and the database after copying.
  db.pragma('synchronous = NORMAL')
  parentPort.postMessage(db.pragma('wal_checkpoint(PASSIVE)')[0])
} finally {
  db.close()
}
`

export function sqliteCheckpointer(file: string): Checkpointer {
  const module = require.resolve('better-sqlite3')
  let running: Promise<void> | null = null
  let again = false
  let closed = false
  const waiters: (() => void)[] = []

  const once = (): Promise<void> =>
    new Promise<void>((resolve) => {
      const worker = new Worker(WORKER, { eval: true, workerData: { module, file } })
      // The thread ends with its checkpoint: until then it keeps the process alive (store.close() waits for it).
      // A failed checkpoint is left to the next one, or to another connection's automatic one.
      worker.on('error', () => undefined)
      worker.on('exit', () => resolve())
    })

  const run = (): void => {
    running = (async () => {
      do {
        again = false
        await once()
      } while (again && !closed)
      running = null
      for (const w of waiters.splice(0)) w()
    })()
  }

  return {
    request: () => {
      if (closed) return
      if (running) again = true
      else run()
    },
    settled: () => (running ? new Promise<void>((resolve) => waiters.push(resolve)) : Promise.resolve()),
    close: async () => {
      closed = true
      await running
    },
  }
}
