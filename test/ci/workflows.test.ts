// The GitHub Actions workflows pass actionlint (built from its Go module into the cache by the same helper
// in CI and here), and actionlint does catch a broken workflow, so a pass means something.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/project.ts';
import { actionlint, ensureGoTool } from '../helpers/go-tool.ts';

const run = promisify(execFile);
let binary = '';
const temp = mkdtempSync(join(tmpdir(), 'actionlint-'));
beforeAll(async () => { binary = await ensureGoTool(actionlint); }, 15 * 60_000);
afterAll(() => rmSync(temp, { recursive: true, force: true }));

/** actionlint's exit code and report for the workflow files of `dir`. */
async function lint(dir: string): Promise<{ code: number; report: string }> {
  const files = readdirSync(join(dir, '.github', 'workflows')).map((f) => join('.github', 'workflows', f));
  try {
    const { stdout } = await run(binary, ['-no-color', ...files], { cwd: dir });
    return { code: 0, report: stdout };
  } catch (error) {
    const e = error as { code?: number; stdout?: string };
    return { code: e.code ?? -1, report: e.stdout ?? String(error) };
  }
}

describe('workflows', () => {
  it('pass actionlint', async () => {
    expect(readdirSync(join(REPO_ROOT, '.github', 'workflows'))).toEqual(expect.arrayContaining(['preview.yml', 'publish.yml']));
    expect(await lint(REPO_ROOT)).toEqual({ code: 0, report: '' });
  });

  it('that actionlint would refuse are refused', async () => {
    mkdirSync(join(temp, '.github', 'workflows'), { recursive: true });
    writeFileSync(join(temp, '.github', 'workflows', 'bad.yml'), 'on: pull_request\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.evnt_name }}\n');
    const { code, report } = await lint(temp);
    expect(code).toBe(1);
    expect(report).toContain('evnt_name');
  });
});
