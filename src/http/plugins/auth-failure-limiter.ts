/**
 * Counts failed authentications per client address in a sliding window. Only failures count, so a busy client
 * with a good token is never slowed; an address that keeps guessing gets 429 until the window passes.
 */
export class AuthFailureLimiter {
  readonly #failures = new Map<string, number[]>()

  constructor(
    private readonly limit: number,
    private readonly windowMs = 60_000,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds until the address may try again, or 0 when it may try now. */
  retryAfter(address: string): number {
    const recent = this.#recent(address)
    if (recent.length < this.limit) return 0
    return Math.max(1, Math.ceil((recent[0]! + this.windowMs - this.now()) / 1000))
  }

  fail(address: string): void {
    const recent = this.#recent(address)
    recent.push(this.now())
    this.#failures.set(address, recent)
    if (this.#failures.size > 10_000) this.#sweep()
  }

  #recent(address: string): number[] {
    const cutoff = this.now() - this.windowMs
    return (this.#failures.get(address) ?? []).filter((t) => t > cutoff)
  }

  #sweep(): void {
    const cutoff = this.now() - this.windowMs
    for (const [k, v] of this.#failures) if (!v.some((t) => t > cutoff)) this.#failures.delete(k)
  }
}
