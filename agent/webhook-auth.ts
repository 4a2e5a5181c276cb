// Who may call the webhook: the shared secret as a token (X-Gitops-Secret, Authorization: Bearer,
// GitLab's X-Gitlab-Token) or as the key of an HMAC-SHA256 over the raw body (GitHub's
// X-Hub-Signature-256, or ours, X-Gitops-Signature-256, both `sha256=<hex>`). Pure: headers and body in, a verdict out.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

export type AuthVerdict = 'ok' | 'missing' | 'wrong';

type Credential = { readonly kind: 'token' | 'signature'; readonly value: string };

const SIGNATURE_HEADERS = ['x-hub-signature-256', 'x-gitops-signature-256'] as const;
const TOKEN_HEADERS = ['x-gitlab-token', 'x-gitops-secret'] as const;

/** The first credential the request carries: a signature, a token header, then a bearer token. */
function credentialOf(headers: IncomingHttpHeaders): Credential | undefined {
  for (const name of SIGNATURE_HEADERS) {
    const value = headers[name];
    if (typeof value === 'string') return { kind: 'signature', value };
  }
  for (const name of TOKEN_HEADERS) {
    const value = headers[name];
    if (typeof value === 'string') return { kind: 'token', value };
  }
  const bearer = /^Bearer\s+(.+)$/i.exec(headers.authorization ?? '')?.[1];
  return bearer === undefined ? undefined : { kind: 'token', value: bearer };
}

/** Whether the request proves it knows `secret`; every comparison takes the same time whatever was sent. */
export function authenticate(headers: IncomingHttpHeaders, body: Buffer, secret: string): AuthVerdict {
  const credential = credentialOf(headers);
  if (!credential) return 'missing';
  const good = credential.kind === 'signature' ? signatureMatches(credential.value, body, secret) : tokenMatches(credential.value, secret);
  return good ? 'ok' : 'wrong';
}

/** Whether the request carries `secret` as a token (the HMAC headers sign a body, and a GET has none). */
export function presentsToken(headers: IncomingHttpHeaders, secret: string): boolean {
  const credential = credentialOf(headers);
  return credential?.kind === 'token' && tokenMatches(credential.value, secret);
}

function signatureMatches(header: string, body: Buffer, secret: string): boolean {
  const presented = /^sha256=([0-9a-f]{64})$/i.exec(header.trim())?.[1];
  const expected = createHmac('sha256', secret).update(body).digest();
  return presented !== undefined && timingSafeEqual(expected, Buffer.from(presented, 'hex'));
}

// Digests have one length whatever was sent, so the comparison takes the same time for any guess.
function tokenMatches(presented: string, secret: string): boolean {
  return timingSafeEqual(digest(secret), digest(presented));
}

function digest(text: string): Buffer {
  return createHash('sha256').update(text).digest();
}
