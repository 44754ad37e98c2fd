// Run config templates shipped in examples/: listing them and choosing a file name that is free.
// Plain Node: no vscode.
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as jsonc from 'jsonc-parser';

export interface ConfigTemplate {
  file: string;
  /** File name without .selectivity.json. */
  id: string;
  label: string;
  description: string;
  kind: 'run' | 'sweep';
}

export async function listTemplates(examplesDir: string): Promise<ConfigTemplate[]> {
  let names: string[];
  try {
    names = (await fs.readdir(examplesDir)).filter((n) => n.endsWith('.selectivity.json')).sort();
  } catch {
    return [];
  }
  const out: ConfigTemplate[] = [];
  for (const name of names) {
    const file = path.join(examplesDir, name);
    const text = await fs.readFile(file, 'utf8');
    const parsed = (jsonc.parse(text) ?? {}) as { name?: string; kind?: string; model?: { name?: string }; data?: { format?: string }; selectivity?: { alpha?: unknown } };
    const firstComment = /^\s*\/\/\s*(.+)$/m.exec(text)?.[1]?.trim();
    const id = name.replace(/\.selectivity\.json$/, '');
    const bits = [parsed.model?.name, parsed.data?.format, parsed.selectivity?.alpha !== undefined ? `α=${JSON.stringify(parsed.selectivity.alpha)}` : undefined].filter(Boolean);
    out.push({
      file,
      id,
      label: parsed.name ?? id,
      description: firstComment ?? (parsed.kind === 'sweep' ? 'sweep' : bits.join(' · ')),
      kind: parsed.kind === 'sweep' ? 'sweep' : 'run',
    });
  }
  return out;
}

/** `<dir>/<id>.selectivity.json`, or `<id>-2...` when taken. */
export function freeConfigPath(dir: string, id: string): string {
  let candidate = path.join(dir, `${id}.selectivity.json`);
  for (let i = 2; existsSync(candidate); i++) candidate = path.join(dir, `${id}-${i}.selectivity.json`);
  return candidate;
}

/**
 * The template's text for its new home: a relative "$schema" is removed (the extension maps every
 * *.selectivity.json to its schema), and a sweep's relative "base" becomes "./<file>" with that file listed in
 * `companions` so the caller copies it alongside.
 */
export function retargetTemplate(text: string, templateFile: string): { text: string; companions: string[] } {
  let out = text;
  const companions: string[] = [];
  const parsed = (jsonc.parse(text) ?? {}) as { $schema?: string; base?: unknown };
  const fmt = { formattingOptions: { insertSpaces: true, tabSize: 2 } };
  if (typeof parsed.$schema === 'string' && !/^[a-z]+:/i.test(parsed.$schema)) out = removeProperty(out, '$schema');
  if (typeof parsed.base === 'string' && !path.isAbsolute(parsed.base)) {
    const baseFile = path.resolve(path.dirname(templateFile), parsed.base);
    companions.push(baseFile);
    out = jsonc.applyEdits(out, jsonc.modify(out, ['base'], `./${path.basename(baseFile)}`, fmt));
  }
  return { text: out, companions };
}

/** Remove a top-level property with its line, leaving comments around it alone (jsonc.modify eats them). */
function removeProperty(text: string, key: string): string {
  const prop = jsonc.findNodeAtLocation(jsonc.parseTree(text) ?? ({} as jsonc.Node), [key])?.parent;
  if (!prop || prop.type !== 'property') return text;
  let end = prop.offset + prop.length;
  const comma = /^\s*,/.exec(text.slice(end));
  if (comma) end += comma[0].length;
  let start = prop.offset;
  // Take the whole line when the property stands alone on it.
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  const restOfLine = /^[ \t]*\r?\n/.exec(text.slice(end));
  if (/^[ \t]*$/.test(text.slice(lineStart, start)) && restOfLine) {
    start = lineStart;
    end += restOfLine[0].length;
  }
  return text.slice(0, start) + text.slice(end);
}
