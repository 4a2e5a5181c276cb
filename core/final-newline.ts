// A value typed or piped in (`echo`, a heredoc, Enter before Ctrl-D, `kubectl --from-file=key=/dev/stdin`) ends with
// a newline that is no part of it: a password, token or URL never does. One final LF or CRLF is dropped, no more.

export function withoutFinalNewline<T extends string | Buffer>(value: T): T {
  const n = value.length;
  const at = (i: number) => (typeof value === 'string' ? value.charCodeAt(i) : value[i]);
  const cut = at(n - 1) === 0x0a ? (at(n - 2) === 0x0d ? 2 : 1) : 0;
  return (typeof value === 'string' ? value.slice(0, n - cut) : value.subarray(0, n - cut)) as T;
}
