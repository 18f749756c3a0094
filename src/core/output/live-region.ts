import type {ProgressMode, ProgressStream} from './progress.js'

/**
 * One progress reporter for long work (pre-flight, bootstrap, `--wait`, and the strategy watch to come): on a
 * terminal, permanent lines are printed above one live status line that is redrawn in place, so neither ever
 * runs into the other; without a terminal there is no live line, only the permanent lines. Quiet mode keeps
 * only the lines marked `always` (failures and warnings). Writes to the stream it is given (stderr in the
 * commands), so stdout stays clean for `-f json`.
 */
export class LiveRegion {
  private status = ''
  private shown = false

  constructor(
    readonly stream: ProgressStream,
    readonly mode: ProgressMode,
  ) {}

  /** A line that stays: above the live line on a terminal. */
  line(text: string, options: {always?: boolean} = {}): void {
    if (this.mode === 'quiet' && !options.always) return
    this.erase()
    this.stream.write(text + '\n')
    this.draw()
  }

  /** Replace the live line (terminal only; elsewhere a status is not printed). */
  update(text: string): void {
    if (this.mode !== 'tty') return
    this.status = this.fit(text)
    this.erase()
    this.draw()
  }

  /** Take the live line away: the work is over, or something else is about to write. */
  clear(): void {
    this.erase()
    this.status = ''
  }

  private draw(): void {
    if (this.mode !== 'tty' || this.status === '') return
    this.stream.write(this.status)
    this.shown = true
  }

  private erase(): void {
    if (this.shown) this.stream.write('\r\x1b[2K')
    this.shown = false
  }

  /** One row, never wrapped: a wrapped live line could not be redrawn in place. */
  private fit(text: string): string {
    // A pseudo-terminal without a size (script(1), some CI runners) reports 0 columns.
    const columns = this.stream.columns || Number(process.env.COLUMNS) || 80
    const width = Math.max(20, columns - 1)
    const chars = [...text]
    return chars.length > width ? chars.slice(0, width - 1).join('') + '…' : text
  }
}
