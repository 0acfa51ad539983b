import { REF_NAMESPACES, StrataError, type Repository } from '../../plumbing/index.js';

/** The branch ref HEAD names (`refs/heads/main` in a new repository). */
export async function currentBranch(repo: Repository): Promise<string> {
  const head = await repo.refs.readValue('HEAD');
  if (head?.kind === 'symbolic' && head.target.startsWith(REF_NAMESPACES.heads)) return head.target;
  throw new StrataError('INVALID_ARGUMENT', 'HEAD does not name a branch', {
    hint: 'pass --branch <name>, or point HEAD at a branch with `strata symbolic-ref HEAD refs/heads/<name>`',
  });
}
