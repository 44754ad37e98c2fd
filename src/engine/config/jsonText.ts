// JSONC text to a plain value, safely: the nesting depth is measured with jsonc-parser's flat scanner before
// anything recursive (the parser, the validator) sees the text, and every key becomes an own property, so
// "__proto__" is an ordinary key the validator can name and refuse instead of a prototype that hides fields.
import { createScanner, type Node, parseTree, type ParseError, printParseErrorCode, SyntaxKind } from 'jsonc-parser';
import { MAX_DEPTH, MAX_TEXT_LENGTH } from './limits';
import { Locator, toPointer, type ConfigProblem, type Segments } from './problem';
import { fieldName } from './quote';

export interface ConfigDocument {
  /** The parsed value, present when the text is valid JSONC within the depth limit. */
  value?: unknown;
  root?: Node;
  locator: Locator;
  /** Syntax and depth problems (then there is no value). */
  problems: ConfigProblem[];
}

export function parseConfigDocument(text: string, what = 'a config'): ConfigDocument {
  if (text.length > MAX_TEXT_LENGTH) {
    const locator = new Locator();
    const count = (n: number) => n.toLocaleString('en-US');
    return { locator, problems: [locator.at(`the file is ${count(text.length)} characters long; ${what} has at most ${count(MAX_TEXT_LENGTH)}`, '', 0, 0)] };
  }
  const tooDeep = firstTooDeep(text);
  if (tooDeep) {
    const locator = new Locator(undefined, text);
    const name = fieldName(tooDeep.segments) || 'the config';
    const message = `${name} is nested more than ${MAX_DEPTH} levels deep; ${what} needs only a few levels of { } and [ ]`;
    return { locator, problems: [locator.at(message, toPointer(tooDeep.segments), tooDeep.offset, 1)] };
  }
  const parseErrors: ParseError[] = [];
  const root = parseTree(text, parseErrors, { allowTrailingComma: true, disallowComments: false });
  const locator = new Locator(root, text);
  if (parseErrors.length > 0 || !root) {
    const problems = parseErrors.map((e) => locator.at(describeParseError(e.error), '', e.offset, Math.max(1, e.length)));
    if (problems.length === 0) problems.push(locator.at(`the file is empty; ${what} is a JSON object`, '', 0, 0));
    return { root, locator, problems };
  }
  return { value: nodeValue(root), root, locator, problems: [] };
}

/** Where the text first opens more than MAX_DEPTH objects or lists, and the path down to it. */
function firstTooDeep(text: string): { offset: number; segments: Segments } | undefined {
  type Frame = { list: true; index: number } | { list: false; key: string; expectKey: boolean };
  const stack: Frame[] = [];
  const scanner = createScanner(text, true);
  for (let token = scanner.scan(); token !== SyntaxKind.EOF; token = scanner.scan()) {
    const top = stack[stack.length - 1];
    if (token === SyntaxKind.OpenBraceToken || token === SyntaxKind.OpenBracketToken) {
      if (stack.length >= MAX_DEPTH) return { offset: scanner.getTokenOffset(), segments: stack.map((f) => (f.list ? f.index : f.key)) };
      stack.push(token === SyntaxKind.OpenBracketToken ? { list: true, index: 0 } : { list: false, key: '', expectKey: true });
    } else if (token === SyntaxKind.CloseBraceToken || token === SyntaxKind.CloseBracketToken) {
      stack.pop();
    } else if (token === SyntaxKind.CommaToken) {
      if (top?.list) top.index++;
      else if (top) top.expectKey = true;
    } else if (token === SyntaxKind.StringLiteral && top && !top.list && top.expectKey) {
      top.key = scanner.getTokenValue();
      top.expectKey = false;
    }
  }
  return undefined;
}

/** The value of a parse tree; bounded recursion, since the depth was checked first. */
function nodeValue(node: Node): unknown {
  switch (node.type) {
    case 'object': {
      const o: Record<string, unknown> = {};
      for (const prop of node.children ?? []) {
        const [k, v] = prop.children ?? [];
        // defineProperty, not assignment: a "__proto__" key stays a key (and is refused by name later).
        if (k && v) Object.defineProperty(o, String(k.value), { value: nodeValue(v), enumerable: true, writable: true, configurable: true });
      }
      return o;
    }
    case 'array':
      return (node.children ?? []).map(nodeValue);
    case 'property':
    case 'string':
    case 'number':
    case 'boolean':
    case 'null':
      return node.value;
  }
}

function describeParseError(code: ParseError['error']): string {
  const words = printParseErrorCode(code).replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return `invalid JSON: ${words}`;
}
