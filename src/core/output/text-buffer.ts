/**
 * Output text gathered as UTF-8 bytes in one buffer that doubles as it fills, then decoded once. A list of 5,000
 * rows built with `+=` or kept as row strings for a join holds every piece on the heap until the end (megabytes of
 * short strings for a few hundred KB of output, the peak RSS of a fleet-sized list); here each row's text is garbage
 * as soon as it is copied in.
 */
export class TextBuffer {
  private bytes = Buffer.allocUnsafe(64 * 1024)
  private length = 0

  write(text: string): void {
    // Three bytes per UTF-16 unit is the most UTF-8 takes (a surrogate pair: four bytes for two units).
    const room = text.length * 3
    if (this.length + room > this.bytes.length) this.grow(room)
    this.length += this.bytes.write(text, this.length)
  }

  /** Make room for `bytes` more at once (a list that knows its size from its first row): no doubling copies. */
  reserve(bytes: number): void {
    if (this.length + bytes > this.bytes.length) this.grow(bytes)
  }

  /**
   * After the first of `count` alike records (the rows of a list): room for the rest at once, a quarter more than
   * `count - 1` times what is written so far, so that a fleet-sized list does not double and copy its buffer.
   */
  reserveForAlike(count: number): void {
    this.reserve(Math.ceil(this.length * (count - 1) * 1.25))
  }

  /** Bytes written so far. */
  get size(): number {
    return this.length
  }

  toString(): string {
    return this.bytes.toString('utf8', 0, this.length)
  }

  /** The bytes written (a view, not a copy): what a command writes to stdout. */
  toBuffer(): Buffer {
    return this.bytes.subarray(0, this.length)
  }

  private grow(room: number): void {
    const bigger = Buffer.allocUnsafe(Math.max(this.bytes.length * 2, this.length + room))
    this.bytes.copy(bigger, 0, 0, this.length)
    this.bytes = bigger
  }
}
