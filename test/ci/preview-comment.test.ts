// The preview workflow's comment step, run as actions/github-script runs it, against a stand-in for GitHub's
// API (the real one is not on loopback): one comment, created once, then updated in place on later pushes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/project.ts';

interface Comment { id: number; body: string; user: { type: string } }

const workflow = parse(readFileSync(join(REPO_ROOT, '.github', 'workflows', 'preview.yml'), 'utf8')) as {
  jobs: { comment: { steps: { uses?: string; with?: { script?: string } }[] } };
};
const script = workflow.jobs.comment.steps.find((s) => s.uses?.startsWith('actions/github-script@'))!.with!.script!;

/** Runs the step with `preview.md` holding `markdown` on a pull request that has `comments`. */
async function post(comments: Comment[], markdown: string): Promise<Comment[]> {
  const list = async ({ issue_number }: { issue_number: number }) => { expect(issue_number).toBe(7); return { data: comments }; };
  const github = {
    paginate: async (method: typeof list, params: { issue_number: number }) => (await method(params)).data,
    rest: {
      issues: {
        listComments: list,
        createComment: async ({ body }: { body: string }) => { comments.push({ id: comments.length + 100, body, user: { type: 'Bot' } }); },
        updateComment: async ({ comment_id, body }: { comment_id: number; body: string }) => { comments.find((c) => c.id === comment_id)!.body = body; },
      },
    },
  };
  const context = { repo: { owner: 'acme', repo: 'shop' }, payload: { pull_request: { number: 7 } } };
  const fakeRequire = (name: string) => {
    expect(name).toBe('node:fs');
    return { readFileSync: (path: string) => { expect(path).toBe('preview.md'); return markdown; } };
  };
  const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (...args: string[]) => (...a: unknown[]) => Promise<void>;
  await new AsyncFunction('require', 'github', 'context', script)(fakeRequire, github, context);
  return comments;
}

describe('the preview comment', () => {
  it('is created once, then updated in place; a comment quoting the marker is left alone', async () => {
    const marker = '<!-- typed-gitops-preview -->';
    const comments: Comment[] = [{ id: 1, body: `${marker} quoted by a person`, user: { type: 'User' } }];
    await post(comments, '### Rendered changes\n\nfirst\n');
    expect(comments.map((c) => c.body)).toEqual([`${marker} quoted by a person`, `${marker}\n### Rendered changes\n\nfirst\n`]);
    await post(comments, '### Rendered changes\n\nsecond\n');
    expect(comments.map((c) => c.body)).toEqual([`${marker} quoted by a person`, `${marker}\n### Rendered changes\n\nsecond\n`]);
  });

  it('never exceeds GitHub\'s 65,536 characters', async () => {
    const comments = await post([], 'x'.repeat(70_000));
    expect(comments[0]!.body.length).toBe(65_536);
  });
});
