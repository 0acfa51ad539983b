import { basename, dirname } from 'node:path';
import { REPO_DIR_NAME, StrataError, type Repository } from '../../plumbing/index.js';

/** The folder a command works on: the one given, else the project folder that holds `.strata`. */
export function sourceFolder(repo: Repository, given: string | undefined, verb: string): string {
  if (given !== undefined) return given;
  if (basename(repo.root) === REPO_DIR_NAME) return dirname(repo.root);
  throw new StrataError('USAGE', `give the folder to ${verb}: the repository ${repo.root} is not a project's ${REPO_DIR_NAME} folder`);
}
