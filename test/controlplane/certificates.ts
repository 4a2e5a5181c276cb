// Creates the PKI of one control plane with openssl (node:crypto cannot issue
// X.509 certificates): a self-signed CA, the apiserver's serving certificate for
// 127.0.0.1, an admin client certificate in system:masters, and the key that
// signs service-account tokens. EC P-256 keys: generated in milliseconds.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ControlPlaneError } from './errors.js';

export interface Pki {
  readonly caCert: string;
  readonly caKey: string;
  readonly servingCert: string;
  readonly servingKey: string;
  readonly adminCert: string;
  readonly adminKey: string;
  readonly serviceAccountKey: string;
  readonly serviceAccountPub: string;
}

const validDays = '30';

export function createPki(dir: string): Pki {
  const file = (name: string) => join(dir, name);
  const pki: Pki = {
    caCert: file('ca.crt'),
    caKey: file('ca.key'),
    servingCert: file('apiserver.crt'),
    servingKey: file('apiserver.key'),
    adminCert: file('admin.crt'),
    adminKey: file('admin.key'),
    serviceAccountKey: file('sa.key'),
    serviceAccountPub: file('sa.pub'),
  };
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  openssl(['req', '-x509', ...ec, '-keyout', pki.caKey, '-out', pki.caCert, '-days', validDays,
    '-subj', '/CN=typed-gitops-test-ca',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  const issue = (key: string, cert: string, subject: string, extensions: string[]) =>
    openssl(['req', '-x509', ...ec, '-keyout', key, '-out', cert, '-days', validDays, '-subj', subject,
      '-CA', pki.caCert, '-CAkey', pki.caKey, ...extensions.flatMap((e) => ['-addext', e])]);
  issue(pki.servingKey, pki.servingCert, '/CN=kube-apiserver', [
    'basicConstraints=critical,CA:FALSE',
    'keyUsage=critical,digitalSignature',
    'extendedKeyUsage=serverAuth',
    'subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc',
  ]);
  issue(pki.adminKey, pki.adminCert, '/O=system:masters/CN=typed-gitops-admin', [
    'basicConstraints=critical,CA:FALSE',
    'keyUsage=critical,digitalSignature',
    'extendedKeyUsage=clientAuth',
  ]);
  openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', pki.serviceAccountKey]);
  writeFileSync(pki.serviceAccountPub, openssl(['pkey', '-in', pki.serviceAccountKey, '-pubout']));
  return pki;
}

function openssl(args: string[]): string {
  try {
    return execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr ?? (err as Error).message;
    throw new ControlPlaneError('certificates', `openssl ${args[0]} failed: ${stderr.trim()}`, 'check that openssl 3.x is on PATH');
  }
}
