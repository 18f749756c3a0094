/**
 * Python's `textwrap.fill(text, width)` with the default TextWrapper settings, which prettytable uses to wrap a
 * cell line wider than its column (only when cliff has set a max width). Lengths are counted in code points, like
 * Python's `len()`, not in display cells: that is what upstream does, so we do it too.
 */

// textwrap's whitespace is ASCII only ('\t\n\x0b\x0c\r '); Python's \w is Unicode-aware.
const WS = '[\\t\\n\\x0b\\x0c\\r ]'
const NWS = '[^\\t\\n\\x0b\\x0c\\r ]'
const WORD = '[\\p{L}\\p{N}_]'
const WORD_PUNCT = `(?:${WORD}|[!"'&.,?])`
const LETTER = '[\\p{L}\\p{Nl}\\p{No}_]'
// TextWrapper.wordsep_re: whitespace runs, em-dashes between words, and words split after hyphens. Made on first
// use: building its Unicode classes costs ~1 ms, at the start of every command that prints a table, and wrapping
// is rare.
let wordSeparator: RegExp | undefined
const wordsep = (): RegExp =>
  (wordSeparator ??= new RegExp(
    `(${WS}+` +
      `|(?<=${WORD_PUNCT})-{2,}(?=${WORD})` +
      `|${NWS}+?(?:-(?:(?<=${LETTER}{2}-)|(?<=${LETTER}-${LETTER}-))(?=${LETTER}-?${LETTER})` +
      `|(?=${WS}|$)` +
      `|(?<=${WORD_PUNCT})(?=-{2,}${WORD})))`,
    'u',
  ))

const cpLength = (s: string): number => {
  let n = 0
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i)
    if (c < 0xdc00 || c > 0xdfff) n++
  }
  return n
}
const isBlank = (s: string): boolean => s.trim() === ''

/** Expand tabs to 8-column stops, then turn every whitespace character into a space (`_munge_whitespace`). */
function mungeWhitespace(text: string): string {
  let out = ''
  let column = 0
  for (const ch of text) {
    if (ch === '\t') {
      const spaces = 8 - (column % 8)
      out += ' '.repeat(spaces)
      column += spaces
    } else if (ch === '\n' || ch === '\r') {
      out += ' '
      column = 0
    } else {
      out += ch === '\x0b' || ch === '\x0c' ? ' ' : ch
      column++
    }
  }
  return out
}

function splitChunks(text: string): string[] {
  return mungeWhitespace(text)
    .split(wordsep())
    .filter((chunk) => chunk !== undefined && chunk !== '')
}

/** `TextWrapper._handle_long_word`: break a chunk that cannot fit on any line, preferring just after a hyphen. */
function handleLongWord(reversed: string[], line: string[], lineLength: number, width: number): void {
  const spaceLeft = width < 1 ? 1 : width - lineLength
  const chunk = Array.from(reversed[reversed.length - 1])
  let end = spaceLeft
  if (chunk.length > spaceLeft) {
    const hyphen = chunk.slice(0, spaceLeft).lastIndexOf('-')
    if (hyphen > 0 && chunk.slice(0, hyphen).some((c) => c !== '-')) end = hyphen + 1
  }
  line.push(chunk.slice(0, end).join(''))
  reversed[reversed.length - 1] = chunk.slice(end).join('')
}

/** `textwrap.wrap(text, width)`. */
export function wrap(text: string, width: number): string[] {
  if (width <= 0) throw new RangeError(`invalid width ${width} (must be > 0)`)
  const chunks = splitChunks(text).reverse()
  const lines: string[] = []
  while (chunks.length > 0) {
    const line: string[] = []
    let length = 0
    if (lines.length > 0 && isBlank(chunks[chunks.length - 1])) chunks.pop()
    while (chunks.length > 0) {
      const l = cpLength(chunks[chunks.length - 1])
      if (length + l > width) break
      line.push(chunks.pop()!)
      length += l
    }
    if (chunks.length > 0 && cpLength(chunks[chunks.length - 1]) > width) {
      handleLongWord(chunks, line, length, width)
    }
    // A trailing blank chunk is dropped (drop_whitespace); nothing reads the length after this point.
    if (line.length > 0 && isBlank(line[line.length - 1])) line.pop()
    if (line.length > 0) lines.push(line.join(''))
  }
  return lines
}

/** `textwrap.fill(text, width)`. */
export function fill(text: string, width: number): string {
  return wrap(text, width).join('\n')
}
