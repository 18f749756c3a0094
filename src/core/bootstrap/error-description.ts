/**
 * The error-description dcmanager stores after a failed playbook (local-bootstrap.md §5.5,
 * dcmanager/common/utils.find_ansible_error_msg), computed from the run's log text so that a subcloud
 * bootstrapped by dcm (or by the lab) reads like one bootstrapped by a real System Controller.
 */
const MAX_LINES = 10
const MAX_LENGTH = 2048

export function describePlaybookFailure(
  subcloudName: string,
  logText: string,
  logPath: string,
  stage = 'bootstrapping',
): string {
  const lines = logText.split('\n')
  // awk: the text from the last line matching `fatal: [` or `ERROR` up to, not including, the next PLAY RECAP.
  let start = -1
  for (let i = lines.length - 1; i >= 0; i--) {
    if (/fatal: \[|ERROR/.test(lines[i])) {
      start = i
      break
    }
  }
  let detail: string[] = []
  if (start >= 0) {
    for (let i = start; i < lines.length; i++) {
      if (/PLAY RECAP/.test(lines[i])) break
      if (lines[i] !== '') detail.push(lines[i])
    }
  }
  if (detail.length === 0) {
    return truncate(
      `FAILED ${stage} playbook of (${subcloudName}).\ncheck individual log at ${logPath} for detailed output`,
    )
  }
  if (detail.length > MAX_LINES) detail = summarize(detail)
  const failedTask = lastTask(lines)
  const text = detail.join('\n').replace(/'/g, '"')
  return truncate(`FAILED ${stage} playbook of (${subcloudName}).\ndetail: ${text} \nFAILED TASK: ${failedTask}`)
}

function summarize(lines: string[]): string[] {
  const brief: string[] = []
  for (const line of lines) {
    if (brief.length >= MAX_LINES) break
    if (/msg:|fail|error|cmd|stderr/i.test(line) && !brief.includes(line)) brief.push(line)
  }
  return brief
}

/** The last `TASK [` banner and the (profile_tasks timing) line after it, `*` removed. */
function lastTask(lines: string[]): string {
  let start = -1
  for (let i = lines.length - 1; i >= 0; i--) {
    if (/TASK \[/.test(lines[i])) {
      start = i
      break
    }
  }
  if (start < 0) return 'None'
  const picked: string[] = []
  for (let i = start; i < lines.length && picked.length < 2; i++) {
    if (i > start && /fatal: \[/.test(lines[i])) break
    const cleaned = lines[i].replace(/\*/g, '').replace(/'/g, '"')
    if (cleaned !== '') picked.push(cleaned)
  }
  return picked.join(' ')
}

function truncate(text: string): string {
  return text.length > MAX_LENGTH ? text.slice(0, MAX_LENGTH) : text
}

/** The error-description of a run stopped by its timeout (local-bootstrap.md §5.4). */
export function describeTimeout(subcloudName: string, stage = 'bootstrapping'): string {
  return `Timeout occurred while ${stage} subcloud ${subcloudName}`
}

/** Any other failure of the phase (connection, authentication, upload): dcmanager's generic form. */
export function describeError(subcloudName: string, message: string, stage = 'bootstrapping'): string {
  return truncate(`Error occurred while ${stage} subcloud ${subcloudName}: ${message}`)
}
