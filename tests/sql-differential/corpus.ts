// Reads the differential corpus: .sql files where each statement ends with a `;` at the end of
// a line and `--` lines are comments. Each query keeps its file and line for failure messages.

import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

export interface CorpusQuery {
  readonly sql: string;
  /** `file:line` of the statement's first line, or the template's name. */
  readonly where: string;
}

export function readCorpus(path: string): CorpusQuery[] {
  const out: CorpusQuery[] = [];
  let buf: string[] = [];
  let start = 0;
  readFileSync(path, 'utf8').split('\n').forEach((line, i) => {
    const t = line.trim();
    if (!buf.length && (t === '' || t.startsWith('--'))) return;
    if (!buf.length) start = i + 1;
    buf.push(line);
    if (t.endsWith(';')) {
      out.push({ sql: buf.join('\n').trim().replace(/;$/, ''), where: `${basename(path)}:${start}` });
      buf = [];
    }
  });
  if (buf.length) throw new Error(`${path}:${start}: statement without a closing ';'`);
  return out;
}
