import {isPrintableAscii} from './display-width.js'

/**
 * Text from a server (names, descriptions, error messages) is data, not terminal commands: an ESC sequence could
 * recolour, move the cursor or retitle the terminal, a CR could overwrite what was printed, a NUL or a newline
 * could forge a row or an `Error:` line. Human-facing output (tables, error and progress lines) shows such
 * characters as visible escapes; machine formats (json, yaml, csv, shell, value) keep the data as it is.
 */
// C0 controls except TAB and LF (handled per use), DEL, C1 controls, and the Unicode line/paragraph separators.
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u2028\u2029]/g
const CONTROL_OR_NEWLINE = /[\u0000-\u0008\n\u000b-\u001f\u007f-\u009f\u2028\u2029]/g
const NAMED: Record<string, string> = {'\n': '\\n', '\r': '\\r', '\u001b': '\\e', '\u0000': '\\0'}

function visible(char: string): string {
  const code = char.codePointAt(0) ?? 0
  return (
    NAMED[char] ??
    (code > 0xff ? `\\u${code.toString(16).padStart(4, '0')}` : `\\x${code.toString(16).padStart(2, '0')}`)
  )
}

/** For one-line output (errors, hints, progress): every control character, newlines included, made visible. */
export function escapeControl(text: string): string {
  return hasControl(text, true) ? text.replace(CONTROL_OR_NEWLINE, visible) : text
}

/**
 * For table cells, where a newline is a multi-line cell and CR a space as in upstream's prettytable: the rest made
 * visible.
 */
export function escapeControlKeepNewlines(text: string): string {
  return hasControl(text, false) ? text.replace(CONTROL, visible) : text
}

// The fast path: normal data has no control characters, so nothing is copied. Most text is printable ASCII, which one
// regular expression test clears faster than the loop (a 5,000-row table checks 40,000 cells).
function hasControl(text: string, newline: boolean): boolean {
  if (isPrintableAscii(text)) return false
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (
      (code < 0x20 && code !== 0x09 && (newline || (code !== 0x0a && code !== 0x0d))) ||
      (code >= 0x7f && code <= 0x9f)
    )
      return true
    if (code === 0x2028 || code === 0x2029) return true
  }
  return false
}

/** For multi-line text printed as is (`subcloud errors`): lines kept (CRLF read as LF), everything else visible. */
export function escapeControlInText(text: string): string {
  const lines = text.includes('\r\n') ? text.replace(/\r\n/g, '\n') : text
  return lines
    .split('\n')
    .map((line) => escapeControl(line))
    .join('\n')
}
