// The limits of a revision: sizes as users write them, gitops.config.ts `agent.limits` and the agent's flags on
// top, each wrong value an error naming its key or flag; and the pure listing check.
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../../core/config.ts';
import { UserInputError } from '../../core/errors.ts';
import { checkListing, DEFAULT_LIMITS, formatSize, parseSize, withLimitFlags } from '../../core/limits.ts';

const config = (limits: unknown) => resolveConfig({ environments: { dev: { values: {} } }, agent: { limits } }, 'gitops.config.ts');

describe('limits', () => {
  it('reads sizes in bytes, binary and decimal units', () => {
    expect(parseSize('3MiB')).toBe(3 * 1024 ** 2);
    expect(parseSize('512 KiB')).toBe(512 * 1024);
    expect(parseSize('64Mi')).toBe(64 * 1024 ** 2);
    expect(parseSize('1.5GiB')).toBe(1.5 * 1024 ** 3);
    expect(parseSize('2MB')).toBe(2_000_000);
    expect(parseSize('1000')).toBe(1000);
    expect(parseSize(4096)).toBe(4096);
    for (const bad of ['', '3 megs', '-1MiB', '0', 0, 1.5, 'MiB', '3MiBs', null]) expect(parseSize(bad)).toBeUndefined();
    expect([formatSize(3 * 1024 ** 2), formatSize(1100), formatSize(900)]).toEqual(['3 MiB', '1.1 KiB', '900 B']);
  });

  it('takes agent.limits from gitops.config.ts, with the defaults for what is not set', () => {
    expect(config(undefined).agent.limits).toEqual(DEFAULT_LIMITS);
    expect(config({ fileSize: '1MiB', revisionSize: 100_000_000, objects: 500, yamlAliases: 0 }).agent.limits)
      .toEqual({ ...DEFAULT_LIMITS, fileBytes: 1024 ** 2, revisionBytes: 100_000_000, objects: 500, yamlAliases: 0 });
  });

  it('names every wrong key of agent.limits', () => {
    const error = (() => { try { config({ fileSize: '3 megs', objects: 0, yamlDepth: 2.5, size: 1 }); } catch (e) { return e; } })() as UserInputError;
    expect(error).toBeInstanceOf(UserInputError);
    expect(error.message).toContain(`agent.limits.fileSize: must be a size above 0, e.g. '3MiB', '512KiB' or a number of bytes (got "3 megs")`);
    expect(error.message).toContain('agent.limits.objects: must be a whole number of at least 1');
    expect(error.message).toContain('agent.limits.yamlDepth: must be a whole number of at least 1');
    expect(error.message).toContain('agent.limits.size: unknown key');
    expect(() => config('big')).toThrow('agent.limits: must be an object');
  });

  it('puts the flags on top of the config, and names a wrong flag', () => {
    const base = { ...DEFAULT_LIMITS, objects: 10 };
    expect(withLimitFlags(base, {})).toEqual(base);
    expect(withLimitFlags(base, { maxFileSize: '1MiB', maxRevisionSize: '10MiB', maxObjects: '99' })).toEqual({ ...base, fileBytes: 1024 ** 2, revisionBytes: 10 * 1024 ** 2, objects: 99 });
    expect(() => withLimitFlags(base, { maxFileSize: 'huge' })).toThrow("--max-file-size: 'huge' is not a size");
    expect(() => withLimitFlags(base, { maxObjects: '1e3x' })).toThrow("--max-objects: '1e3x' is not a whole number above 0");
  });

  it('checks a listing: a file at the limit passes, one byte over is refused', () => {
    const limits = { ...DEFAULT_LIMITS, fileBytes: 100, revisionBytes: 150, objects: 2 };
    const at = { commit: 'c'.repeat(40), env: 'dev' };
    expect(() => checkListing([{ path: 'dev/a.yaml', size: 100 }, { path: 'dev/b.yaml', size: 50 }], limits, at)).not.toThrow();
    expect(() => checkListing([{ path: 'dev/a.yaml', size: 101 }], limits, at)).toThrow('"dev/a.yaml" is 101 B, over the limit of 100 B per file');
    expect(() => checkListing([{ path: 'dev/a.yaml', size: 100 }, { path: 'dev/b.yaml', size: 51 }], limits, at)).toThrow('over the limit of 150 B per revision');
    expect(() => checkListing([1, 2, 3].map((i) => ({ path: `dev/${i}.yaml`, size: 1 })), limits, at)).toThrow('dev/ holds more than 2 files');
  });
});
