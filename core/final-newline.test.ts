import { describe, expect, it } from 'vitest';
import { withoutFinalNewline } from './final-newline.ts';

describe('withoutFinalNewline', () => {
  it('drops one final LF or CRLF, of text or bytes, and nothing else', () => {
    expect(['s3cret\n', 's3cret\r\n', 's3cret', 's3cret\n\n', '\n', ''].map(withoutFinalNewline)).toEqual(['s3cret', 's3cret', 's3cret', 's3cret\n', '', '']);
    expect([...withoutFinalNewline(Buffer.from([0xff, 0x0d, 0x0a]))]).toEqual([0xff]);
    expect([...withoutFinalNewline(Buffer.from([0x0a, 0x0d]))]).toEqual([0x0a, 0x0d]);
  });
});
