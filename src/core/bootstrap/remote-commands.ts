import {shellQuote} from '../ssh/shell-quote.js'

/**
 * The exact command strings the engine sends over SSH. They are the contract with whatever runs on the other
 * end (a real controller's login shell, or the lab's simulated host), so they live in one place.
 *
 * The playbook runs in its own session (`setsid -w`, util-linux): its process group can then be killed as a
 * whole from a second channel (ansible forks workers, modules fork commands), the way dcmanager kills a
 * playbook's process group. The first stderr line `dcm-pgid=<n>` tells the engine which group that is.
 */
export const PGID_MARKER = 'dcm-pgid='

/** Environment of the run (local-bootstrap.md §7): plain output, line-buffered, C.UTF-8. */
export const PLAYBOOK_ENV: Record<string, string> = {
  LC_ALL: 'C.UTF-8',
  LANG: 'C.UTF-8',
  ANSIBLE_NOCOLOR: '1',
  ANSIBLE_FORCE_COLOR: '0',
  ANSIBLE_RETRY_FILES_ENABLED: '0',
  PYTHONUNBUFFERED: '1',
}

/** The argv of the playbook run as the log header shows it (no secrets: they are in the 0600 overrides file). */
export function playbookArgv(ansiblePlaybook: string, playbook: string): string[] {
  return [ansiblePlaybook, playbook]
}

export function playbookCommand(ansiblePlaybook: string, playbook: string): string {
  const env = Object.entries(PLAYBOOK_ENV).map(([k, v]) => `${k}=${v}`)
  const argv = playbookArgv(ansiblePlaybook, playbook).map(shellQuote).join(' ')
  return `cd && exec env ${env.join(' ')} setsid -w sh -c 'echo ${PGID_MARKER}$$ >&2; exec "$@"' sh ${argv}`
}

/** Where `bootstrap/apply-manifest` and `kubeadm init` drop their "do not abort now" flag (§5.7), for host `localhost`. */
export const NOT_ABORTABLE_FLAG = '.localhost_deploy_not_abortable'

/** Printed by the kill command when it has to wait for the not-abortable flag to go away. */
export const WAITING_MARKER = 'dcm-waiting-not-abortable'

/**
 * Stop a process group: optionally wait (at most `waitNotAbortableS`, stopping early if the group is gone)
 * while the not-abortable flag exists, then SIGTERM the group, give it 10 s, then SIGKILL what is left.
 * Prints WAITING_MARKER when it waits for the flag, and `stopped` when the group is gone at the end.
 * `kill -s SIG -- -PGID` is the one spelling both bash and dash accept (dash refuses `kill -0 -- -PGID`).
 */
export function killGroupCommand(pgid: number, waitNotAbortableS = 0): string {
  if (!Number.isInteger(pgid) || pgid <= 1) throw new Error(`refusing to signal process group ${pgid}`)
  const g = `-${pgid}`
  const waitFlag =
    waitNotAbortableS > 0
      ? `[ -e "$HOME/${NOT_ABORTABLE_FLAG}" ] && echo ${WAITING_MARKER}; ` +
        `n=0; while [ -e "$HOME/${NOT_ABORTABLE_FLAG}" ] && [ $n -lt ${Math.floor(waitNotAbortableS)} ] && kill -s 0 -- ${g} 2>/dev/null; do sleep 1; n=$((n+1)); done; `
      : ''
  return (
    waitFlag +
    `kill -s TERM -- ${g} 2>/dev/null; ` +
    `n=0; while kill -s 0 -- ${g} 2>/dev/null && [ $n -lt 20 ]; do sleep 0.5; n=$((n+1)); done; ` +
    `kill -s KILL -- ${g} 2>/dev/null; sleep 0.2; kill -s 0 -- ${g} 2>/dev/null || echo stopped`
  )
}
