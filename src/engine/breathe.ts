/**
 * Lets the event loop run. better-sqlite3 answers synchronously and Kysely resolves its promises as microtasks, so an
 * import on SQLite would otherwise hold the whole process — status polls, cancels, other requests — until it ends.
 * Called between batches and pages; on PostgreSQL it costs a few microseconds.
 */
export function breathe(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve))
}
