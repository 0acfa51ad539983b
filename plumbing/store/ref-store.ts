import { StrataError } from '../errors/index.js';
import { encodeRefValue, parseRefValue, refNameProblem, type RefValue } from '../format/ref-name.js';
import type { StorageBackend } from './backend.js';

/** Symbolic refs are followed at most this deep. */
const MAX_SYMREF_DEPTH = 5;

export interface ResolvedRef {
  /** The ref that was asked for. */
  name: string;
  /** The direct ref it ends at after following symbolic refs. */
  target: string;
  /** The id, or undefined when the final ref does not exist yet (an unborn branch). */
  id: string | undefined;
  symbolic: boolean;
}

export function checkRefName(name: string): void {
  const problem = refNameProblem(name);
  if (problem) {
    throw new StrataError('INVALID_REF_NAME', `"${name}" is not a valid ref name: ${problem}`, { data: { ref: name } });
  }
}

/** Refs: reading, following symbolic refs, and compare-and-swap updates through the backend. */
export class RefStore {
  constructor(readonly backend: StorageBackend) {}

  /** The parsed content of one ref file, without following it; undefined when absent. */
  async readValue(name: string): Promise<RefValue | undefined> {
    checkRefName(name);
    const text = await this.backend.readRef(name);
    if (text === undefined) return undefined;
    const value = parseRefValue(text);
    if (!value) {
      throw new StrataError('OBJECT_CORRUPT', `ref ${name} is malformed (${JSON.stringify(text.slice(0, 80))})`, {
        hint: `inspect or remove the file refs file for ${name}`,
        data: { ref: name },
      });
    }
    return value;
  }

  /** Follows symbolic refs to the direct ref and its id. Undefined when `name` itself does not exist. */
  async resolve(name: string): Promise<ResolvedRef | undefined> {
    let current = name;
    for (let depth = 0; depth <= MAX_SYMREF_DEPTH; depth++) {
      const value = await this.readValue(current);
      if (value === undefined) {
        return depth === 0 ? undefined : { name, target: current, id: undefined, symbolic: true };
      }
      if (value.kind === 'direct') return { name, target: current, id: value.id, symbolic: depth > 0 };
      current = value.target;
    }
    throw new StrataError('OBJECT_CORRUPT', `ref ${name} is a chain of more than ${MAX_SYMREF_DEPTH} symbolic refs`, {
      data: { ref: name },
    });
  }

  /**
   * Sets `name` (following symbolic refs unless `noDeref`) to `id`. `expected`: undefined = no check,
   * null = must not exist, an id = must currently be that id (compare-and-swap).
   */
  async update(name: string, id: string, options: { expected?: string | null; noDeref?: boolean } = {}): Promise<string> {
    checkRefName(name);
    const target = options.noDeref ? name : ((await this.resolve(name))?.target ?? name);
    const expected =
      options.expected === undefined ? undefined : options.expected === null ? null : encodeRefValue({ kind: 'direct', id: options.expected });
    await this.backend.updateRef({ name: target, next: encodeRefValue({ kind: 'direct', id }), expected });
    return target;
  }

  /** Deletes a ref (the ref itself, not what a symbolic ref points at), optionally compare-and-swap. */
  async delete(name: string, options: { expected?: string } = {}): Promise<void> {
    checkRefName(name);
    const current = await this.backend.readRef(name);
    if (current === undefined) {
      throw new StrataError('UNKNOWN_REF', `ref ${name} does not exist`, { data: { ref: name } });
    }
    const expected = options.expected === undefined ? current : encodeRefValue({ kind: 'direct', id: options.expected });
    await this.backend.updateRef({ name, next: null, expected });
  }

  /** Makes `name` a symbolic ref to `target`. */
  async setSymbolic(name: string, target: string): Promise<void> {
    checkRefName(name);
    checkRefName(target);
    if (target === 'HEAD') throw new StrataError('INVALID_REF_NAME', 'a symbolic ref cannot point at HEAD');
    await this.backend.updateRef({ name, next: encodeRefValue({ kind: 'symbolic', target }) });
  }

  /** Every ref under `prefix` (default `refs/`), sorted by name. */
  list(prefix = 'refs/'): Promise<string[]> {
    return this.backend.listRefs(prefix);
  }
}
