// One problem in a config and where it is: the field (JSON pointer and dotted name) and the text at fault
// (offset, length, line and column), so an editor can underline exactly that field and a terminal can list it.
import { findNodeAtLocation, type Node } from 'jsonc-parser';

export interface ConfigProblem {
  /** One sentence naming the field, e.g. "train.batchSize must be >= 1" (no file name). */
  message: string;
  /** JSON pointer of the field at fault ('' for the whole document). */
  path: string;
  /** Dotted field name, e.g. "train.batchSize" ('' for the whole document). */
  field: string;
  offset: number;
  length: number;
  /** 1-based line and column of `offset`. */
  line: number;
  column: number;
  severity: 'error' | 'warning';
}

export type Segments = Array<string | number>;

/** Finds the text of a field; without text (a config object) every field is at offset 0. */
export class Locator {
  private readonly starts: number[];

  constructor(
    private readonly root?: Node,
    text = '',
  ) {
    this.starts = [0];
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts.push(i + 1);
  }

  /** The problem `message` at `segments`; `key` places it on the field's key rather than its value. */
  problem(message: string, segments: Segments, options: { key?: boolean; severity?: 'error' | 'warning' } = {}): ConfigProblem {
    const { offset, length } = this.locate(segments, options.key);
    return this.at(message, toPointer(segments), offset, length, options.severity);
  }

  /** A problem at a text position (syntax errors); `pointer` '' for the whole document. */
  at(message: string, pointer: string, offset: number, length: number, severity: 'error' | 'warning' = 'error'): ConfigProblem {
    const { line, column } = this.lineColumn(offset);
    return { message, path: pointer, field: dotted(pointerSegments(pointer)), offset, length, line, column, severity };
  }

  /** The literal text of a field's value, e.g. "1e999" for a number too large to be one. */
  literal(segments: Segments, text: string): string | undefined {
    if (!this.root) return undefined;
    const node = findNodeAtLocation(this.root, segments);
    return node ? text.slice(node.offset, node.offset + node.length) : undefined;
  }

  private locate(segments: Segments, key = false): { offset: number; length: number } {
    if (!this.root) return { offset: 0, length: 0 };
    // Walk down as far as the path exists: a missing field is reported on its parent.
    for (let n = segments.length; n >= 0; n--) {
      const node = findNodeAtLocation(this.root, segments.slice(0, n));
      if (!node) continue;
      const keyNode = node.parent?.type === 'property' ? node.parent.children?.[0] : undefined;
      if ((key || n < segments.length) && keyNode) return { offset: keyNode.offset, length: keyNode.length };
      if (n < segments.length && node === this.root) return { offset: this.root.offset, length: 1 };
      return { offset: node.offset, length: node.length };
    }
    return { offset: 0, length: 1 };
  }

  private lineColumn(offset: number): { line: number; column: number } {
    const starts = this.starts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - starts[lo] + 1 };
  }
}

export function pointerSegments(pointer: string): Segments {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

export function toPointer(segments: Segments): string {
  return segments.map((s) => '/' + String(s).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

export function dotted(segments: Segments): string {
  let out = '';
  for (const s of segments) out += typeof s === 'number' ? `[${s}]` : out === '' ? s : `.${s}`;
  return out;
}
