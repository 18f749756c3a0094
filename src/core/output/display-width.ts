import {EAST_ASIAN_WIDE} from './east-asian-wide.js'

/**
 * Terminal display width, as prettytable measures it (`wcwidth.wcswidth` after stripping SGR colour codes), so that
 * borders line up exactly where dcmanager's do, including its quirks:
 * - a C0/C1 control character (a tab, an escape that is not a colour code) makes the whole string measure -1;
 * - combining marks and zero-width format characters measure 0, East Asian wide/fullwidth characters 2;
 * - a zero-width joiner hides itself and the character after it (emoji sequences).
 */

// What prettytable strips before measuring: SGR sequences and the `ESC ( B` charset reset.
const COLOUR_CODES = /\x1b\[[0-9;]*m|\x1b\(B/g
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/

/** Printable ASCII only (the usual cell): one column per character, nothing to escape, one byte each in UTF-8. */
export function isPrintableAscii(text: string): boolean {
  return PRINTABLE_ASCII.test(text)
}
const ZERO_WIDTH = /^[\p{Mn}\p{Me}]$/u
// Zero-width format characters wcwidth lists by hand (they are Cf, but other Cf characters are not zero-width).
const ZERO_WIDTH_FORMAT = new Set([
  0x0000, 0x034f, 0x200b, 0x200c, 0x200d, 0x200e, 0x200f, 0x2028, 0x2029, 0x202a, 0x202b, 0x202c, 0x202d, 0x202e,
  0x2060, 0x2061, 0x2062, 0x2063,
])
const ZERO_WIDTH_JOINER = 0x200d

/** Width of one code point: -1 (control), 0, 1 or 2, like `wcwidth.wcwidth`. */
export function codePointWidth(cp: number): number {
  if (cp >= 0x20 && cp < 0x7f) return 1
  if (ZERO_WIDTH_FORMAT.has(cp)) return 0
  if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0)) return -1
  // Hangul Jamo medial vowels and final consonants combine into the preceding syllable.
  if (cp >= 0x1160 && cp <= 0x11ff) return 0
  if (ZERO_WIDTH.test(String.fromCodePoint(cp))) return 0
  return isWide(cp) ? 2 : 1
}

function isWide(cp: number): boolean {
  if (cp < EAST_ASIAN_WIDE[0]) return false
  let lo = 0
  let hi = EAST_ASIAN_WIDE.length / 2 - 1
  while (lo <= hi) {
    const mid = (lo + hi) >> 1
    if (cp < EAST_ASIAN_WIDE[2 * mid]) hi = mid - 1
    else if (cp > EAST_ASIAN_WIDE[2 * mid + 1]) lo = mid + 1
    else return true
  }
  return false
}

/** `wcswidth` of one line of text, colour codes removed first. */
export function displayWidth(text: string): number {
  if (isPrintableAscii(text)) return text.length
  const plain = text.includes('\x1b') ? text.replace(COLOUR_CODES, '') : text
  if (isPrintableAscii(plain)) return plain.length
  let width = 0
  let skipNext = false
  for (const ch of plain) {
    const cp = ch.codePointAt(0)!
    if (skipNext) {
      skipNext = false
      continue
    }
    if (cp === ZERO_WIDTH_JOINER) {
      skipNext = true
      continue
    }
    const w = codePointWidth(cp)
    if (w < 0) return -1
    width += w
  }
  return width
}
