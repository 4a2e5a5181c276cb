// planPublish: build on the rendered head, refuse to go backwards, or build anyway with --force.
import { describe, expect, it } from 'vitest';
import { planPublish, type PlanInput } from '../../compiler/publish-plan.ts';

const source = 'c'.repeat(40);
const base: PlanInput = { source, branch: 'rendered', force: false, shallow: false };
const head = { sha: 'h'.repeat(40), sourceCommit: 'a'.repeat(40) };

describe('planPublish', () => {
  it('builds a first commit when there is no rendered branch, and on the head when its source is an ancestor', () => {
    expect(planPublish(base)).toEqual({ kind: 'build' });
    expect(planPublish({ ...base, head: { ...head, sourceIsAncestor: true } })).toEqual({ kind: 'build', parent: head.sha });
  });

  it('refuses a head from a source that is not an ancestor, or unknown, or missing its trailer', () => {
    const notAncestor = planPublish({ ...base, head: { ...head, sourceIsAncestor: false } });
    expect(notAncestor.kind === 'refuse' && notAncestor.error.message).toMatch(/not an ancestor .* backwards/);
    const unknown = planPublish({ ...base, head: { ...head, sourceIsAncestor: undefined } });
    expect(unknown.kind === 'refuse' && unknown.error.message).toMatch(/not in this clone/);
    const noTrailer = planPublish({ ...base, head: { sha: head.sha } });
    expect(noTrailer.kind === 'refuse' && noTrailer.error.message).toMatch(/has no Source-Commit trailer/);
  });

  it('tells a shallow clone to fetch the full history', () => {
    const step = planPublish({ ...base, shallow: true, head: { ...head, sourceIsAncestor: undefined } });
    expect(step.kind === 'refuse' && step.error.subject.hint).toMatch(/fetch-depth: 0/);
  });

  it('with force, builds on top anyway, with a warning and the source it overrides', () => {
    expect(planPublish({ ...base, force: true, head: { ...head, sourceIsAncestor: false } })).toMatchObject({
      kind: 'build', parent: head.sha, forcedOver: head.sourceCommit, warning: expect.stringMatching(/^FORCED PUBLISH: /),
    });
    expect(planPublish({ ...base, force: true, head: { sha: head.sha } })).toMatchObject({ kind: 'build', parent: head.sha, forcedOver: head.sha });
  });
});
