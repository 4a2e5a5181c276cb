// The trailers by which a rendered commit names its source: written by publish, read by the agent and history.
export const TRAILERS = { sourceCommit: 'Source-Commit', sourceBranch: 'Source-Branch' } as const;
