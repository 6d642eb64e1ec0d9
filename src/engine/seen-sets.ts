/**
 * What an execution remembers of every entry it has seen, in memory that does not hold the entries themselves:
 * a few bytes per entry instead of a string or a boxed number in a Set (at a million entries, ~10 MB instead of
 * ~150 MB), so the heap stays bounded by the batch, not by the run.
 */

/** Object ids seen by this execution (the missing-objects pass treats every other owned object as missing). */
export class IdBitmap {
  #bits = new Uint32Array(1024)
  #size = 0

  get size(): number {
    return this.#size
  }

  add(id: number): void {
    const word = id >>> 5
    if (word >= this.#bits.length) {
      let length = this.#bits.length
      while (length <= word) length *= 2
      const grown = new Uint32Array(length)
      grown.set(this.#bits)
      this.#bits = grown
    }
    const bit = 1 << (id & 31)
    if ((this.#bits[word]! & bit) === 0) {
      this.#bits[word]! |= bit
      this.#size++
    }
  }

  has(id: number): boolean {
    const word = id >>> 5
    return word < this.#bits.length && (this.#bits[word]! & (1 << (id & 31))) !== 0
  }
}

/**
 * Identities mapped by this execution, kept as 32-bit hashes in an open-addressing table. `mayHave` answers false
 * for an identity never added, and true for every identity added — and, rarely (about one lookup in 4,000 at a
 * million entries), for one that was not: a true answer is confirmed by the caller (see read-map-stage.ts).
 */
export class IdentityHashes {
  #slots = new Int32Array(1 << 12)
  #count = 0

  get size(): number {
    return this.#count
  }

  add(identity: string): void {
    if (this.#count * 2 >= this.#slots.length) this.#grow()
    if (this.#insert(this.#slots, hash(identity))) this.#count++
  }

  mayHave(identity: string): boolean {
    const h = hash(identity)
    const mask = this.#slots.length - 1
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const s = this.#slots[i]!
      if (s === 0) return false
      if (s === h) return true
    }
  }

  #insert(slots: Int32Array, h: number): boolean {
    const mask = slots.length - 1
    for (let i = h & mask; ; i = (i + 1) & mask) {
      const s = slots[i]!
      if (s === h) return false
      if (s === 0) {
        slots[i] = h
        return true
      }
    }
  }

  #grow(): void {
    const next = new Int32Array(this.#slots.length * 2)
    for (const h of this.#slots) if (h !== 0) this.#insert(next, h)
    this.#slots = next
  }
}

/** FNV-1a over UTF-16 code units, never 0 (0 marks an empty slot). */
function hash(text: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h === 0 ? 1 : h
}
