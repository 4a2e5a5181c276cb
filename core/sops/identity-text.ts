// age identities as key files hold them (no crypto here: the agent reads them before it needs any).

/** The age identities (AGE-SECRET-KEY-1…) in a key file's text; comments and blank lines are skipped. */
export function parseIdentities(text: string): string[] {
  return text.split(/\r?\n/).map((l) => l.trim()).filter((l) => l.startsWith('AGE-SECRET-KEY-'));
}
