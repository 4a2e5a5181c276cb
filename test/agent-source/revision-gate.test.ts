// The gate a new head passes before it is read, over a real clone: never backwards from the applied
// commit unless allowed (then with a notice and a warning), and verification first when it is on.
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { UserInputError } from '../../core/errors.ts';
import { revisionGate } from '../../agent/revision-gate.ts';
import { openSource } from '../../agent/source.ts';
import { cleanUp, git, memoryLogger, renderedRemote, tempDir } from './fixtures.ts';

afterAll(cleanUp);

async function rewound() {
  const remote = renderedRemote();
  const older = remote.commit({ 'dev/a.yaml': 'a: 1\n' });
  const newer = remote.commit({ 'dev/a.yaml': 'a: 2\n' });
  const source = openSource({ url: remote.path, branch: 'rendered', cacheDir: join(tempDir(), 'cache') });
  await source.update();
  git(remote.path, 'update-ref', 'refs/heads/rendered', older);
  await source.update();
  return { source, older, newer };
}

describe('revision gate', () => {
  it('refuses a head behind the applied commit, naming both and what to do', async () => {
    const { source, older, newer } = await rewound();
    const gate = revisionGate({ source, appliedRevision: async () => newer });
    const refusal = await gate(older).catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(UserInputError);
    expect((refusal as UserInputError).message).toBe(`commit ${older} does not descend from ${newer}, the last applied rendered commit (the branch was force-pushed back or aside); it is refused and the cluster stays at ${newer}`);
    expect((refusal as UserInputError).subject).toMatchObject({ commit: older, hint: expect.stringContaining('--allow-rewind') });
    expect(await gate(newer)).toEqual([]); // the applied commit itself
    expect(await revisionGate({ source, appliedRevision: async () => older })(newer)).toEqual([]); // forward
    expect(await revisionGate({ source, appliedRevision: async () => undefined })(older)).toEqual([]); // nothing applied yet
  });

  it('follows it with --allow-rewind, with a notice and a warning', async () => {
    const { source, older, newer } = await rewound();
    const { log, lines } = memoryLogger();
    const notices = await revisionGate({ source, appliedRevision: async () => newer, allowRewind: true, log })(older);
    expect(notices).toEqual([`REWIND ALLOWED: the rendered branch moved from ${newer}, the last applied commit, to ${older}, which does not descend from it; applying ${older} because of --allow-rewind (agent.allowRewind)`]);
    expect(lines().filter((l) => l.level === 'warn').map((l) => [l.msg, l.from, l.to])).toEqual([[notices[0], newer, older]]);
  });

  it('verifies before anything else: a refused signature is the reason, even for a rewound head', async () => {
    const { source, older, newer } = await rewound();
    const verify = async (commit: string) => { throw new UserInputError(`commit ${commit} is not signed`, { commit }); };
    await expect(revisionGate({ source, appliedRevision: async () => newer, allowRewind: true, verify })(older)).rejects.toThrow(`commit ${older} is not signed`);
  });
});
