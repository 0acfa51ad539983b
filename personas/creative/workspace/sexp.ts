/**
 * The S-expression files GIMP writes (gimprc, sessionrc, toolrc, menurc, shortcutsrc, devicerc,
 * templaterc, controllerrc): lists in parentheses of atoms and double-quoted strings, `#` or `;`
 * comments to the end of the line. Parsed enough to list keys, windows and docks, and compare them.
 */
export type SexpNode = { kind: 'atom'; value: string } | { kind: 'string'; value: string } | { kind: 'list'; items: SexpNode[] };

export class SexpError extends Error {}

/** Parses the top-level expressions of a file; SexpError on an unbalanced parenthesis or open string. */
export function parseSexp(text: string): SexpNode[] {
  const stack: SexpNode[][] = [[]];
  let i = 0;
  let line = 1;
  const n = text.length;
  while (i < n) {
    const c = text[i] as string;
    if (c === '\n') {
      line++;
      i++;
    } else if (c === ' ' || c === '\t' || c === '\r' || c === '\f') i++;
    else if (c === '#' || c === ';') {
      while (i < n && text[i] !== '\n') i++;
    } else if (c === '(') {
      stack.push([]);
      i++;
    } else if (c === ')') {
      if (stack.length === 1) throw new SexpError(`line ${line}: ")" closes nothing`);
      const items = stack.pop() as SexpNode[];
      (stack[stack.length - 1] as SexpNode[]).push({ kind: 'list', items });
      i++;
    } else if (c === '"') {
      let value = '';
      const start = line;
      i++;
      for (;;) {
        if (i >= n) throw new SexpError(`line ${start}: a string is never closed`);
        const d = text[i] as string;
        if (d === '"') break;
        if (d === '\n') line++;
        if (d === '\\' && i + 1 < n) {
          i++;
          const e = text[i] as string;
          value += e === 'n' ? '\n' : e === 't' ? '\t' : e === 'r' ? '\r' : e;
        } else value += d;
        i++;
      }
      i++;
      (stack[stack.length - 1] as SexpNode[]).push({ kind: 'string', value });
    } else {
      let j = i;
      while (j < n && !/[\s()"]/.test(text[j] as string)) j++;
      (stack[stack.length - 1] as SexpNode[]).push({ kind: 'atom', value: text.slice(i, j) });
      i = j;
    }
  }
  if (stack.length !== 1) throw new SexpError(`${stack.length - 1} parenthes${stack.length === 2 ? 'is is' : 'es are'} never closed`);
  return stack[0] as SexpNode[];
}

/** The head atom of a list (`session-info` of `(session-info …)`), or undefined. */
export function headOf(node: SexpNode): string | undefined {
  if (node.kind !== 'list') return undefined;
  const first = node.items[0];
  return first?.kind === 'atom' ? first.value : undefined;
}

/** The first child list with this head. */
export function childList(node: SexpNode, head: string): SexpNode | undefined {
  return node.kind === 'list' ? node.items.find((c) => headOf(c) === head) : undefined;
}

/** Every list with this head, at any depth below the node (the node itself included). */
export function findLists(node: SexpNode, head: string, out: SexpNode[] = []): SexpNode[] {
  if (node.kind !== 'list') return out;
  if (headOf(node) === head) out.push(node);
  for (const c of node.items) findLists(c, head, out);
  return out;
}

/** The node as compact text: atoms as written, strings quoted, lists in parentheses. */
export function renderSexp(node: SexpNode): string {
  if (node.kind === 'atom') return node.value;
  if (node.kind === 'string') return JSON.stringify(node.value);
  return `(${node.items.map(renderSexp).join(' ')})`;
}

/** A list's items after its head, as compact text (`(size 1024 768)` -> `1024 768`). */
export function renderArgs(node: SexpNode, from = 1): string {
  return node.kind === 'list' ? node.items.slice(from).map(renderSexp).join(' ') : renderSexp(node);
}

/** A string or atom's text. */
export function textOf(node: SexpNode | undefined): string | undefined {
  return node === undefined || node.kind === 'list' ? undefined : node.value;
}
