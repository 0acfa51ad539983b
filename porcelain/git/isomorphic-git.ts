/**
 * isomorphic-git, loaded on first use: it is a fifth of the CLI's code, and only the git bridge's
 * commands need it, so every other command starts without reading it.
 */
type IsomorphicGit = typeof import('isomorphic-git').default;

let loading: Promise<IsomorphicGit> | undefined;

export function isomorphicGit(): Promise<IsomorphicGit> {
  return (loading ??= import('isomorphic-git').then((m) => m.default));
}
