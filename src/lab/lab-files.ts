import {randomBytes} from 'node:crypto'
import {closeSync, existsSync, promises as fs, writeSync} from 'node:fs'
import os from 'node:os'
import path from 'node:path'

import {OperationError, UsageError} from '../core/errors.js'
import {
  ensurePrivateDir,
  openPrivateFile,
  readJsonIfExists,
  readTrustedFileSync,
  UnsafeFileError,
  writePrivateFileAtomic,
  writeJsonAtomic,
} from '../core/files/private-file.js'

/**
 * Files of a lab data dir besides the state: the admin password (generated once, 0600), and `lab.json`,
 * written by a running lab (pid, URLs) so `dcm lab status|env|stop` find it.
 */
export const ADMIN_PASSWORD_FILE = 'admin-password'
export const LAB_SYSADMIN_PASSWORD_FILE = 'lab-sysadmin-password'
export const INSTANCE_FILE = 'lab.json'
export const LOG_FILE = 'lab.log'

/** `--data-dir` default: $DCM_LAB_DIR, else the per-user state dir ($XDG_STATE_HOME/dcm/lab). */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.DCM_LAB_DIR) return path.resolve(env.DCM_LAB_DIR)
  const stateHome = env.XDG_STATE_HOME || path.join(os.homedir(), '.local', 'state')
  return path.join(stateHome, 'dcm', 'lab')
}

/**
 * The data dir a `dcm lab ...` command works on: its --data-dir, else the named site's (`--site NAME`:
 * `lab-sites/NAME` beside the default lab dir), else the default, as an absolute path.
 */
export function resolveDataDir(flag: string | undefined, site?: string): string {
  if (flag === undefined && site !== undefined) return siteDataDir(site)
  return path.resolve(flag ?? defaultDataDir())
}

/** A site name is one path segment a person can type: it names the site's system too. */
export const SITE_NAME = /^[a-z0-9][a-z0-9-]{0,62}$/

export function siteDataDir(site: string, env: NodeJS.ProcessEnv = process.env): string {
  if (!SITE_NAME.test(site)) {
    throw new UsageError(`--site must be lowercase letters, digits and '-' (at most 63), got "${site}"`)
  }
  return path.join(path.dirname(defaultDataDir(env)), 'lab-sites', site)
}

/**
 * Create the data dir 0700, or check an existing one: whoever can write it can plant the admin password,
 * the state or the hosts' ssh_config the lab and its clients trust, so one owned by another user or
 * writable by group or others is refused (as OpenSSH refuses a loose ~/.ssh).
 */
export function ensureLabDataDir(dataDir: string): void {
  ensurePrivateDir(dataDir, {
    what: 'the lab data dir',
    hint: `use a --data-dir (or DCM_LAB_DIR) of your own, or: chown "$(id -un)" ${dataDir} && chmod 700 ${dataDir}`,
  })
}

export async function ensureAdminPassword(dataDir: string): Promise<string> {
  return ensureGeneratedSecret(dataDir, ADMIN_PASSWORD_FILE)
}

/**
 * The sysadmin password the lab's simulated hosts are added with (`dcm lab env` exports it as
 * DCM_SYSADMIN_PASSWORD), generated once per data dir: a lab value, never a real subcloud's.
 */
export async function ensureLabSysadminPassword(dataDir: string): Promise<string> {
  return ensureGeneratedSecret(dataDir, LAB_SYSADMIN_PASSWORD_FILE)
}

async function ensureGeneratedSecret(dataDir: string, name: string): Promise<string> {
  ensureLabDataDir(dataDir)
  const existing = readGeneratedSecret(dataDir, name)
  if (existing) return existing
  const password = randomBytes(18).toString('base64url')
  await writePrivateFileAtomic(path.join(dataDir, name), password + '\n', 0o600)
  return password
}

/**
 * A generated password of the data dir, or undefined when there is none yet. A file that is not a private
 * regular file of ours (a symlink, another owner, mode 0644) was not made by the lab, or others have read
 * it: refused, never used.
 */
function readGeneratedSecret(dataDir: string, name: string): string | undefined {
  const file = path.join(dataDir, name)
  try {
    return readTrustedFileSync(file, {private: true})?.trim() || undefined
  } catch (error) {
    if (error instanceof UnsafeFileError) {
      throw new UnsafeFileError(error.message, {
        hint: `remove ${file}: the lab makes a new password at its next start (clients then need \`dcm lab env\` again)`,
      })
    }
    throw error
  }
}

/** The lab's admin password, or undefined when there is none yet (see readGeneratedSecret). */
export async function readAdminPassword(dataDir: string): Promise<string | undefined> {
  return readGeneratedSecret(dataDir, ADMIN_PASSWORD_FILE)
}

export interface LabInstance {
  pid: number
  port: number
  url: string
  authUrl: string
  dcmanagerUrl: string
  /** Path of the CA certificate clients must trust (OS_CACERT) when the lab serves HTTPS. */
  caCert?: string
  deployer: string
  startedAt: string
}

export async function writeInstance(dataDir: string, instance: LabInstance): Promise<void> {
  await writeJsonAtomic(path.join(dataDir, INSTANCE_FILE), instance)
}

/**
 * The running lab's lab.json, which tells clients where to send the admin password: read only from a data
 * dir nobody else can write (UnsafeFileError otherwise). undefined when there is none or it is unreadable.
 */
export async function readInstance(dataDir: string): Promise<LabInstance | undefined> {
  if (!existsSync(dataDir)) return undefined
  ensureLabDataDir(dataDir)
  try {
    return await readJsonIfExists<LabInstance>(path.join(dataDir, INSTANCE_FILE))
  } catch (error) {
    if (error instanceof UnsafeFileError) throw error
    return undefined
  }
}

export async function removeInstance(dataDir: string, pid: number): Promise<void> {
  const current = await readInstance(dataDir)
  if (current?.pid === pid) await fs.rm(path.join(dataDir, INSTANCE_FILE), {force: true})
}

export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** The environment `source /etc/platform/openrc` gives, pointing at this lab. */
export function labEnvironment(
  instance: Pick<LabInstance, 'authUrl' | 'caCert'>,
  password: string,
): Record<string, string> {
  const env: Record<string, string> = {
    OS_AUTH_URL: instance.authUrl,
    OS_USERNAME: 'admin',
    OS_PASSWORD: password,
    OS_PROJECT_NAME: 'admin',
    OS_USER_DOMAIN_NAME: 'Default',
    OS_PROJECT_DOMAIN_NAME: 'Default',
    OS_REGION_NAME: 'RegionOne',
    OS_INTERFACE: 'internal',
    OS_IDENTITY_API_VERSION: '3',
  }
  if (instance.caCert) env.OS_CACERT = instance.caCert
  return env
}

export const LOCK_FILE = 'lock'

/**
 * One lab per data dir: two servers writing the same state would lose each other's changes. The lock file
 * holds the owner's pid; a lock whose process is gone (kill -9, reboot) is taken over.
 */
export async function acquireDataDirLock(dataDir: string): Promise<() => Promise<void>> {
  const file = path.join(dataDir, LOCK_FILE)
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openPrivateFile(file, 'exclusive')
      writeSync(fd, String(process.pid))
      closeSync(fd)
      return async () => {
        const owner = Number((await fs.readFile(file, 'utf8').catch(() => '')).trim())
        if (owner === process.pid) await fs.rm(file, {force: true})
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      const owner = Number((await fs.readFile(file, 'utf8').catch(() => '')).trim())
      if (owner > 0 && owner !== process.pid && processAlive(owner)) {
        throw new OperationError(`The lab data dir ${dataDir} is in use by another lab (pid ${owner})`, {
          hint: `dcm lab stop --data-dir ${dataDir}, or use another --data-dir`,
        })
      }
      if (owner === process.pid) {
        throw new OperationError(`The lab data dir ${dataDir} is already served by this process`)
      }
      // Stale: its owner is gone.
      await fs.rm(file, {force: true})
    }
  }
  throw new OperationError(`Could not lock the lab data dir ${dataDir}`)
}
