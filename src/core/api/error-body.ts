/**
 * Turn the body of a failed HTTP response into the one line an operator needs (dcmanager-api.md §1.6).
 * dcmanager answers webob errors as HTML (`Accept: *\/*`) or JSON (`{"code","title","description"}`);
 * Keystone answers `{"error": {"code","title","message"}}`; sysinv wraps a JSON `faultstring` in
 * `error_message`. Anything else is shown as its first line of text.
 */
const EMPTY_500 = 'The server has either erred or is incapable of performing the requested operation.'
const MAX_LENGTH = 500

export function describeErrorBody(status: number, contentType: string | undefined, text: string): string {
  const trimmed = text.trim()
  if (trimmed === '') return status >= 500 ? EMPTY_500 : `no details given`
  if (/json/i.test(contentType ?? '') || /^[[{]/.test(trimmed)) {
    const fromJson = messageFromJson(trimmed)
    if (fromJson) return oneLine(fromJson)
  }
  if (/html/i.test(contentType ?? '') || /^<(!doctype|html)/i.test(trimmed)) {
    const fromHtml = messageFromWebobHtml(trimmed)
    if (fromHtml) return oneLine(fromHtml)
  }
  return oneLine(trimmed)
}

function messageFromJson(text: string): string | undefined {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return undefined
  }
  if (typeof value === 'string') return value
  if (!value || typeof value !== 'object') return undefined
  const record = value as Record<string, unknown>
  if (typeof record.description === 'string' && record.description !== '') return record.description
  const error = record.error
  if (error && typeof error === 'object') {
    const message = (error as Record<string, unknown>).message
    if (typeof message === 'string' && message !== '') return message
  }
  if (typeof record.error_message === 'string') {
    const inner = messageFromJson(record.error_message)
    return inner ?? record.error_message
  }
  if (typeof record.faultstring === 'string') return record.faultstring
  if (typeof record.message === 'string') return record.message
  if (typeof record.title === 'string') return record.title
  return undefined
}

/**
 * The webob page is `<h1>{code} {title}</h1>`, the explanation, then the detail. The detail is what the
 * server said about this request, so it wins; the generic explanation is the fallback.
 */
function messageFromWebobHtml(html: string): string | undefined {
  const bodyMatch = /<body[^>]*>([\s\S]*?)<\/body>/i.exec(html)
  const body = (bodyMatch ? bodyMatch[1] : html).replace(/<br\s*\/?>/gi, '\n').replace(/<[^>]+>/g, '')
  const lines = decodeEntities(body)
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '')
  if (lines.length === 0) return undefined
  const explanation = lines.length > 1 ? lines[1] : lines[0]
  const details = lines.slice(2).join(' ')
  return details || (explanation.endsWith('.') ? explanation : `${explanation}.`)
}

function decodeEntities(text: string): string {
  return text
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#0?39;|&#x27;/g, "'")
    .replace(/&amp;/g, '&')
}

function oneLine(text: string): string {
  const line = text.replace(/\s*\r?\n\s*/g, ' ').trim()
  return line.length > MAX_LENGTH ? `${line.slice(0, MAX_LENGTH)}...` : line
}
