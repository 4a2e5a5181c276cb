// `gitops publish`: turns the checked-out source commit into one commit on the rendered branch of
// the remote. Read (work tree, source commit, synth, remote head), plan (publish-plan.ts), write
// (fast-import) and push; when someone else pushed first, fetch and plan again, a bounded number of times.
import { resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { findPackageRoot } from '../core/bundle.ts';
import { compile, type CompileOptions } from './compile.ts';
import { toolVersion } from './app-record.ts';
import type { ResolvedConfig } from '../core/config.ts';
import { GitError, UserInputError } from '../core/errors.ts';
import { isAncestor } from '../core/git-read.ts';
import { formatDiagnostic } from './format.ts';
import { loadConfig } from '../core/load-config.ts';
import { ciRunUrl, commitMessage, countChanges, sameTree, type ChangeCount } from './publish-message.ts';
import { planPublish, type RenderedHead } from './publish-plan.ts';
import { openSigner, signingKeyText, type SignatureFormat, type Signer } from './signing.ts';
import {
  blobHasher, currentBranch, dirtyPaths, fetchBranch, isShallow, listTree, pushCommit, readHead,
  readRenderLog, remoteBranchHead, writeCommit, type Identity, type SourceCommit,
} from './rendered-branch.ts';
import { redactCredentials } from '../core/git-credentials.ts';
import { manifestPath } from '../core/tree-paths.ts';
import type { RenderCommit } from '../core/types.ts';

export interface PublishOptions {
  /** Project folder holding gitops.config.ts, inside the source checkout. */
  readonly root: string;
  /** Remote name or URL to publish to. @default 'origin' */
  readonly remote?: string;
  /** Branch the source commit is on; must be the config's source branch. @default HEAD's branch, else the CI's (GITHUB_REF_NAME, CI_COMMIT_BRANCH) */
  readonly sourceBranch?: string;
  /** Publish even when it moves the rendered branch backwards. @default false */
  readonly force?: boolean;
  /** Type-check the apps before publishing. @default true */
  readonly typecheck?: boolean;
  /** Pushes to try when others keep publishing first. @default 5 */
  readonly maxAttempts?: number;
  /** Committer of rendered commits. @default GITOPS_COMMITTER_NAME / GITOPS_COMMITTER_EMAIL, else DEFAULT_COMMITTER */
  readonly committer?: Partial<Identity>;
  /** A short line at each step. @default nothing */
  readonly onProgress?: (message: string) => void;
  /** Lines worth keeping in a CI log (compile's onNote). @default onProgress */
  readonly onNote?: (message: string) => void;
  /** What the user must see even in CI logs (a forced publish). @default console.error */
  readonly onWarning?: (message: string) => void;
  /** Where CI variables and committer settings are read. @default process.env */
  readonly env?: NodeJS.ProcessEnv;
  /** A file holding the key to sign the rendered commit with. @default GITOPS_SIGNING_KEY_FILE, else the key in GITOPS_SIGNING_KEY, else unsigned */
  readonly signingKey?: string;
  /** Take unchanged apps from the rendered head it fetched (and the local synth cache). @default true */
  readonly cache?: boolean;
}

export const DEFAULT_COMMITTER: Identity = { name: 'typed-gitops', email: 'typed-gitops@noreply.invalid' };

export interface PublishResult {
  readonly outcome: 'published' | 'unchanged';
  readonly remote: string;
  readonly branch: string; // the rendered branch
  readonly source: SourceCommit & { readonly branch: string };
  /** The rendered head on the remote afterwards: the new commit, or the one that already had this output. */
  readonly head: string;
  /** The new commit, when published. */
  readonly commit?: RenderCommit;
  readonly changes: ReadonlyMap<string, ChangeCount>;
  readonly files: number;
  readonly attempts: number;
  readonly synthMs: number;
  /** Time after synth: reading the remote, writing the commit, pushing. */
  readonly publishMs: number;
  /** How the new commit was signed. @default unsigned */
  readonly signed?: SignatureFormat;
}

export async function publish(options: PublishOptions): Promise<PublishResult> {
  const env = options.env ?? process.env;
  const key = signingKeyText(options.signingKey, env); // read before synth: a missing key file fails at once
  const signer = key === undefined ? undefined : await openSigner(key);
  try {
    return await publishWith(options, env, signer);
  } finally {
    await signer?.close();
  }
}

async function publishWith(options: PublishOptions, env: NodeJS.ProcessEnv, signer: Signer | undefined): Promise<PublishResult> {
  const root = resolve(options.root);
  const { remote = 'origin', force = false, typecheck = true, maxAttempts = 5, onProgress = () => {}, onWarning = console.error } = options;
  const committer: Identity = {
    name: options.committer?.name ?? env.GITOPS_COMMITTER_NAME ?? DEFAULT_COMMITTER.name,
    email: options.committer?.email ?? env.GITOPS_COMMITTER_EMAIL ?? DEFAULT_COMMITTER.email,
  };
  const shownRemote = redactCredentials(remote); // a URL remote may carry a token
  const started = performance.now();

  const configuring = loadConfig(root);
  // The rendered head is the build cache every CI job already has: fetched before synth, while the source is read.
  const fetching = options.cache === false ? Promise.resolve(undefined) : configuring.then((c) => fetchedHead(root, remote, c.branches.rendered));
  fetching.catch(() => {}); // awaited below
  const { source, config } = await readSource(root, options.sourceBranch, env, configuring).catch(async (error: unknown) => {
    await fetching.catch(() => {}); // no git left running in the checkout
    throw error;
  });
  const branch = config.branches.rendered;
  const cacheFrom = await fetching;
  const fetched = options.cache === false ? undefined : { head: cacheFrom, tree: cacheFrom ? listTree(root, cacheFrom) : undefined }; // listed by git while synth runs
  fetched?.tree?.catch(() => {});
  // The first attempt plans against the head fetched for the cache: its provenance is read while synth runs too.
  const firstRead = fetched && readRendered(root, remote, branch, source.sha, fetched);
  firstRead?.catch(() => {}); // awaited by the first attempt
  const hashing = blobHasher(root); // git's object format, asked while synth runs
  hashing.catch(() => {}); // awaited below
  const files = await synthesize(root, source.sha, { typecheck, onProgress, onNote: options.onNote, cache: options.cache !== false, cacheFrom, cacheSignedBy: signer?.publicKeys });
  const synthMs = performance.now() - started;
  const hash = await hashing;
  const after = new Map([...files].map(([path, content]) => [path, hash(content)]));
  const renderedBy = `typed-gitops ${toolVersion(findPackageRoot(root))}`;
  const result = (fields: Pick<PublishResult, 'outcome' | 'head' | 'commit' | 'changes' | 'attempts'>): PublishResult =>
    ({ ...fields, remote: shownRemote, branch, source, files: files.size, synthMs, publishMs: performance.now() - started - synthMs, ...(signer && fields.commit ? { signed: signer.format } : {}) });

  for (let attempts = 1; attempts <= maxAttempts; attempts++) {
    onProgress(`reading ${shownRemote}/${branch}`);
    // A push that loses a race fetches again.
    const { rendered, before } = await (attempts === 1 && firstRead ? firstRead : readRendered(root, remote, branch, source.sha));
    const unknownSource = rendered?.sourceCommit !== undefined && rendered.sourceIsAncestor === undefined;
    const step = planPublish({ source: source.sha, branch, head: rendered, force, shallow: unknownSource && (await isShallow(root)) });
    if (step.kind === 'refuse') throw step.error;
    if (rendered && sameTree(withoutManifests(before, config), withoutManifests(after, config))) return result({ outcome: 'unchanged', head: rendered.sha, changes: new Map(), attempts });
    if (step.warning) onWarning(step.warning);

    const changes = countChanges(before, after);
    const message = commitMessage({ source, sourceBranch: source.branch, changes, renderedBy, runUrl: ciRunUrl(env), forcedOver: step.forcedOver });
    onProgress(`writing ${files.size} files`);
    // Only what differs from the head is sent to fast-import.
    const sha = await writeCommit(root, { files, parent: step.parent, message, identity: committer, signer, changesFrom: { parentFiles: before, blobIds: after } });
    onProgress(`pushing ${sha.slice(0, 7)} to ${shownRemote}/${branch}`);
    const push = await pushCommit(root, remote, sha, branch);
    if (push.pushed) {
      return result({ outcome: 'published', head: sha, commit: { sha, sourceCommit: source.sha, sourceBranch: source.branch, message }, changes, attempts });
    }
    // A lost race shows as '[rejected] (fetch first)' or, when both create or update the ref at
    // once, '[remote rejected] (cannot lock ref)'; only a moved head tells it from a real refusal.
    if ((await remoteBranchHead(root, remote, branch)) === rendered?.sha) {
      throw new GitError(`pushing ${sha} to branch '${branch}' of remote '${shownRemote}' failed:\n${push.output}`, {
        commit: source.sha,
        hint: "Check that the credentials in git's config or environment may push to the remote, and that no hook or branch protection refuses the push.",
      });
    }
    onProgress(`${shownRemote}/${branch} moved while publishing (attempt ${attempts} of ${maxAttempts}); fetching and trying again`);
    await sleep(50 * attempts + Math.random() * 100); // spread out publishers that keep colliding
  }
  throw new GitError(`gave up publishing ${source.sha}: '${branch}' on '${shownRemote}' moved during each of ${maxAttempts} attempts`, {
    commit: source.sha,
    hint: 'Others keep publishing at the same time; let CI run one publish at a time (concurrency group) and run it again.',
  });
}

/** The commit to publish, refused when the work tree is dirty or HEAD is not on the config's source branch. */
async function readSource(root: string, branchOption: string | undefined, env: NodeJS.ProcessEnv, configuring: Promise<ResolvedConfig>):
  Promise<{ source: PublishResult['source']; config: ResolvedConfig }> {
  // Read at once, judged in this order: a dirty work tree is said first.
  const [dirtyReading, headReading, branchReading] = [dirtyPaths(root), readHead(root), branchOption ? Promise.resolve(branchOption) : currentBranch(root)];
  for (const p of [headReading, branchReading, configuring]) p.catch(() => {});
  const dirty = await dirtyReading;
  if (dirty.length > 0) {
    const shown = dirty.slice(0, 10).join(', ') + (dirty.length > 10 ? `, … ${dirty.length - 10} more` : '');
    throw new UserInputError(`refusing to publish: the work tree has uncommitted changes (${shown}); nothing was pushed`, {
      hint: 'Commit or stash them: publish renders a commit exactly as it is in git.',
    });
  }
  const head = await headReading;
  const config = await configuring;
  const branch = (await branchReading) ?? ciBranch(env);
  if (branch !== config.branches.source) {
    throw new UserInputError(
      branch
        ? `refusing to publish: ${head.sha.slice(0, 12)} is on branch '${branch}', but the rendered branch follows '${config.branches.source}'; nothing was pushed`
        : `refusing to publish: HEAD is detached and no CI variable names its branch; nothing was pushed`,
      { commit: head.sha, file: config.file, hint: `Publish from '${config.branches.source}' (merge first), pass --source-branch when HEAD is detached, or change branches.source.` },
    );
  }
  return { source: { ...head, branch }, config };
}

/** The rendered files of the whole project (path -> content); a synth error refuses the publish. */
async function synthesize(root: string, commit: string, options: Pick<CompileOptions, 'typecheck' | 'onProgress' | 'onNote' | 'cache' | 'cacheFrom' | 'cacheSignedBy'>): Promise<ReadonlyMap<string, string>> {
  const outcome = await compile({ root, write: false, ...options });
  if (outcome.report.errors.length > 0 || !outcome.tree) {
    const errors = outcome.report.errors.map(formatDiagnostic).join('\n');
    throw new UserInputError(`refusing to publish: synth failed with ${outcome.report.errors.length} error(s); nothing was pushed\n${errors}`, {
      commit,
      hint: 'Run `npm run synth`, fix the errors and commit.',
    });
  }
  return outcome.tree.files;
}

/**
 * The remote's rendered head with its provenance, and its files as path -> blob id (empty when there is no branch yet);
 * `fetched`: the head as just fetched (undefined: there was no branch) and its listing, so neither is read again.
 */
async function readRendered(root: string, remote: string, branch: string, source: string, fetched?: { head: string | undefined; tree?: Promise<Map<string, string>> }):
  Promise<{ rendered?: RenderedHead; before: Map<string, string> }> {
  const head = fetched ? fetched.head : await fetchedHead(root, remote, branch);
  if (!head) return { before: new Map() };
  const [entry] = await readRenderLog(root, head, { max: 1 });
  const sha = entry.sha;
  const sourceCommit = entry.sourceCommit || undefined;
  const sourceIsAncestor = sourceCommit ? await isAncestor(root, sourceCommit, source) : undefined;
  return { rendered: { sha, sourceCommit, sourceIsAncestor }, before: await (fetched?.tree ?? listTree(root, sha)) };
}

/**
 * The tree without the manifests: a commit that would change only what they record (a new lock file, a refactored
 * app rendering the same objects) is not published; the agent would dry-run the whole set for nothing.
 */
function withoutManifests(tree: ReadonlyMap<string, string>, config: ResolvedConfig): Map<string, string> {
  const manifests = new Set(config.environments.map((e) => manifestPath(e.name)));
  return new Map([...tree].filter(([path]) => !manifests.has(path)));
}

/** The remote's rendered head, fetched, or undefined when there is no rendered branch yet (asked at the same time as fetched). */
async function fetchedHead(root: string, remote: string, branch: string): Promise<string | undefined> {
  const fetching = fetchBranch(root, remote, branch);
  fetching.catch(() => {}); // a branch that is not there fails to fetch: only then ignored
  if (await remoteBranchHead(root, remote, branch)) return fetching;
  await fetching.catch(() => {}); // none there: its fetch failed, as it should
  return undefined;
}

/** GitHub Actions and GitLab CI check out a detached HEAD in some events; they name the branch in the env. */
function ciBranch(env: NodeJS.ProcessEnv): string | undefined {
  if (env.GITHUB_REF_TYPE === 'branch' && env.GITHUB_REF_NAME) return env.GITHUB_REF_NAME;
  return env.CI_COMMIT_BRANCH || undefined;
}
