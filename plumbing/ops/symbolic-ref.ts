import { StrataError } from '../errors/index.js';
import type { Repository } from '../store/repository.js';

export interface SymbolicRefOptions {
  repo: Repository;
  /** The symbolic ref, usually HEAD. */
  name: string;
  /** Set it to point at this ref; omit to read. */
  target?: string | undefined;
}

export interface SymbolicRefResult {
  name: string;
  target: string;
}

/** Reads or sets a symbolic ref (`HEAD` -> `refs/heads/main`). */
export async function symbolicRef(options: SymbolicRefOptions): Promise<SymbolicRefResult> {
  const { repo, name } = options;
  if (options.target !== undefined) {
    await repo.refs.setSymbolic(name, options.target);
    return { name, target: options.target };
  }
  const value = await repo.refs.readValue(name);
  if (!value) throw new StrataError('UNKNOWN_REF', `ref ${name} does not exist`, { data: { ref: name } });
  if (value.kind !== 'symbolic') {
    throw new StrataError('WRONG_KIND', `ref ${name} is not a symbolic ref (it holds ${value.id})`, { data: { ref: name } });
  }
  return { name, target: value.target };
}
