// Checks a chart export the webview sent ({type:'saveFile'}) and turns it into bytes for disk.
// Plain Node, no vscode: the save dialog lives in saveExport.ts. A webview is untrusted input, so the name
// is reduced to a plain file name and the content must really be an SVG document or a PNG image.
import * as path from 'node:path';
import type { SaveFileRequest } from '../../../protocol/webviews/core';

/** Larger exports are refused (a 4k PNG of a heatmap is a few MB). */
export const MAX_EXPORT_BYTES = 64 * 1024 * 1024;
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

export interface ExportFile {
  /** Safe file name with the right extension. */
  name: string;
  bytes: Buffer;
  /** Save dialog filter. */
  filters: Record<string, string[]>;
}

export class ExportRejected extends Error {}

export function safeExportName(name: string, ext: '.svg' | '.png'): string {
  let base = path.basename(name.replace(/\\/g, '/'));
  base = base.replace(/\.(svg|png)$/i, '').replace(/[^A-Za-z0-9._ =+-]+/g, '-').replace(/^[.\s-]+|[.\s-]+$/g, '');
  return `${base.slice(0, 100) || 'chart'}${ext}`;
}

export function exportFile(req: SaveFileRequest): ExportFile {
  // A webview is untrusted: fields are checked here, not only typed.
  if (typeof req?.name !== 'string' || typeof req.data !== 'string') throw new ExportRejected('The exported chart came without a name or data.');
  if (req.mime === 'image/svg+xml') {
    if (req.encoding !== 'utf8') throw new ExportRejected('An SVG export must be text.');
    const text = req.data.trimStart();
    if (!/^(<\?xml[^>]*>\s*)?<svg[\s>]/.test(text) || !/<\/svg>\s*$/.test(text)) throw new ExportRejected('The exported chart is not an SVG document.');
    const bytes = Buffer.from(req.data, 'utf8');
    if (bytes.length > MAX_EXPORT_BYTES) throw new ExportRejected('The exported chart is too large to save.');
    return { name: safeExportName(req.name, '.svg'), bytes, filters: { 'SVG image': ['svg'] } };
  }
  if (req.mime === 'image/png') {
    if (req.encoding !== 'base64') throw new ExportRejected('A PNG export must be base64.');
    if (req.data.length > (MAX_EXPORT_BYTES * 4) / 3 + 4) throw new ExportRejected('The exported chart is too large to save.');
    const bytes = Buffer.from(req.data, 'base64');
    if (bytes.length < PNG_SIGNATURE.length || !bytes.subarray(0, 8).equals(PNG_SIGNATURE)) throw new ExportRejected('The exported chart is not a PNG image.');
    return { name: safeExportName(req.name, '.png'), bytes, filters: { 'PNG image': ['png'] } };
  }
  throw new ExportRejected(`Charts export as SVG or PNG, not ${String((req as { mime?: unknown }).mime)}.`);
}
