/**
 * PostgreSQL: bulk writes (COPY) of an execution that the engine does not wait for. A COPY takes its place in the
 * transaction's statement queue (bulk.ts, statementQueue) when it is made — every statement made after it runs
 * after it and sees its rows — and its rows are streamed while the engine maps the next batch: the server ingests
 * batch N while Node maps batch N + 1, where before each waited for the other.
 *
 * Nothing is lost or reordered: `settle` waits for every write in flight and throws the first failure; the
 * transaction settles before it commits, and drains (waits, whatever failed) before it rolls back, so that no COPY
 * runs after the transaction ended. A statement that failed because an earlier COPY had failed (PostgreSQL answers
 * "current transaction is aborted") is reported as that COPY's error, the cause.
 */
export class WriteBehind {
  #inflight: Promise<void>[] = []
  #failure: { error: unknown } | null = null

  /** Tracks a submitted write until it ends. */
  add(write: Promise<void>): void {
    this.#inflight.push(
      write.catch((error: unknown) => {
        this.#failure ??= { error }
      }),
    )
  }

  /** Waits for every write in flight; throws the first that failed. */
  async settle(): Promise<void> {
    await this.drain()
    if (this.#failure) throw this.#failure.error
  }

  /** Waits for every write in flight, whether or not it failed. */
  async drain(): Promise<void> {
    while (this.#inflight.length) {
      const writes = this.#inflight
      this.#inflight = []
      await Promise.all(writes)
    }
  }

  /** The error to report for a failure of the transaction's work: the first failed write's, when one failed. */
  cause(error: unknown): unknown {
    return this.#failure ? this.#failure.error : error
  }
}
