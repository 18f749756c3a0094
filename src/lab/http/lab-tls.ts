import {execFile} from 'node:child_process'
import {promises as fs} from 'node:fs'
import path from 'node:path'
import {promisify} from 'node:util'

import {OperationError} from '../../core/errors.js'
import {ensurePrivateDir, writePrivateFileAtomic} from '../../core/files/private-file.js'

const execFileAsync = promisify(execFile)

async function run(command: string, args: string[]): Promise<void> {
  try {
    await execFileAsync(command, args)
  } catch (error) {
    const failure = error as NodeJS.ErrnoException & {stderr?: string}
    if (failure.code === 'ENOENT') {
      throw new OperationError('The openssl command is needed to generate the lab certificate and was not found', {
        hint: 'apt-get install openssl, or pass --tls-cert FILE --tls-key FILE',
      })
    }
    throw new OperationError(`openssl failed: ${(failure.stderr ?? failure.message).trim().split('\n').pop()}`)
  }
}

/**
 * A private CA and a server certificate for 127.0.0.1/localhost, made with the openssl CLI, so the lab can
 * serve HTTPS that clients verify with `--os-cacert <dir>/ca.pem` (and refuse by default). Reused when
 * present. Keys are written 0600; nothing secret is passed on a command line.
 */
export interface LabTlsFiles {
  caCert: string
  cert: string
  key: string
}

export async function ensureLabCertificate(dataDir: string): Promise<LabTlsFiles> {
  const dir = path.join(dataDir, 'tls')
  const files = {
    caCert: path.join(dir, 'ca.pem'),
    caKey: path.join(dir, 'ca-key.pem'),
    cert: path.join(dir, 'server.pem'),
    key: path.join(dir, 'server-key.pem'),
  }
  const exists = await Promise.all(
    [files.caCert, files.cert, files.key].map((file) =>
      fs.access(file).then(
        () => true,
        () => false,
      ),
    ),
  )
  if (exists.every(Boolean)) return {caCert: files.caCert, cert: files.cert, key: files.key}

  // openssl writes the keys by name: only a directory nobody else can write keeps them from planted links.
  ensurePrivateDir(dir, {what: "the lab's TLS directory"})
  const config = path.join(dir, 'server.cnf')
  await writePrivateFileAtomic(
    config,
    [
      '[req]',
      'distinguished_name = dn',
      '[dn]',
      '[server]',
      'subjectAltName = IP:127.0.0.1, DNS:localhost',
      'basicConstraints = CA:FALSE',
      'keyUsage = digitalSignature, keyEncipherment',
      'extendedKeyUsage = serverAuth',
      '',
    ].join('\n'),
  )
  const csr = path.join(dir, 'server.csr')
  await run('openssl', [
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    files.caKey,
    '-out',
    files.caCert,
    '-days',
    '825',
    '-subj',
    '/CN=dcm lab CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  ])
  await run('openssl', [
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    files.key,
    '-out',
    csr,
    '-subj',
    '/CN=127.0.0.1',
    '-config',
    config,
  ])
  await run('openssl', [
    'x509',
    '-req',
    '-in',
    csr,
    '-CA',
    files.caCert,
    '-CAkey',
    files.caKey,
    '-CAcreateserial',
    '-out',
    files.cert,
    '-days',
    '825',
    '-extfile',
    config,
    '-extensions',
    'server',
  ])
  await Promise.all([fs.chmod(files.caKey, 0o600), fs.chmod(files.key, 0o600), fs.rm(csr, {force: true})])
  return {caCert: files.caCert, cert: files.cert, key: files.key}
}
