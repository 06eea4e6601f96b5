// COPY … FROM STDIN and COPY … TO STDOUT in text, CSV and binary formats (PostgreSQL's COPY formats).

import { SqlError, SqlState } from '../../errors.js';
import type { DataType } from '../../types/datatype.js';
import type { Datum, Row } from '../../types/value.js';
import { formatText, parseText } from '../../types/text-io.js';
import { Node, nameList } from '../../sql/ast.js';
import type { ParsedStatement } from '../../sql/parser.js';
import { optimize } from '../../optimizer/optimizer.js';
import { rowKey } from '../../types/value.js';
import type { Session } from '../session.js';
import type { CopyInSink, StatementResult } from '../result.js';
import { tableByRangeVar } from './ddl.js';
import { evalDefault } from './defaults.js';
import { decodeCopyBinary, encodeCopyBinary } from './copy-binary.js';

interface CopyOptions { csv: boolean; binary: boolean; delimiter: string; null: string; header: boolean; quote: string; escape: string }

function options(list: Node[] | undefined): CopyOptions {
  const o: CopyOptions = { csv: false, binary: false, delimiter: '\t', null: '\\N', header: false, quote: '"', escape: '"' };
  let delimSet = false, nullSet = false;
  for (const d of (list ?? []).map((x) => x.DefElem)) {
    const val = d.arg?.String?.sval ?? (d.arg?.Boolean ? String(d.arg.Boolean.boolval === true) : d.arg?.Integer ? String(d.arg.Integer.ival) : undefined);
    switch (d.defname) {
      case 'format':
        if (val === 'csv') o.csv = true;
        else if (val === 'binary') o.binary = true;
        else if (val !== 'text') throw new SqlError(SqlState.InvalidParameterValue, `COPY format "${val}" not recognized`);
        break;
      case 'delimiter': o.delimiter = val ?? ','; delimSet = true; break;
      case 'null': o.null = val ?? ''; nullSet = true; break;
      case 'header': o.header = val === undefined || val === 'true' || val === 'on' || val === '1'; break;
      case 'quote': o.quote = val ?? '"'; break;
      case 'escape': o.escape = val ?? '"'; break;
      case 'encoding': break;
      default: throw new SqlError(SqlState.SyntaxError, `option "${d.defname}" not recognized`);
    }
  }
  if (o.binary && (delimSet || nullSet || o.header)) {
    throw new SqlError(SqlState.SyntaxError, `cannot specify ${delimSet ? 'DELIMITER' : nullSet ? 'NULL' : 'HEADER'} in BINARY mode`);
  }
  if (o.csv && !delimSet) o.delimiter = ',';
  if (o.csv && !nullSet) o.null = '';
  if (o.delimiter.length !== 1) throw new SqlError(SqlState.FeatureNotSupported, 'COPY delimiter must be a single one-byte character');
  return o;
}

export async function executeCopy(s: Session, stmt: ParsedStatement): Promise<StatementResult> {
  const v = stmt.node.CopyStmt;
  const opts = options(v.options);
  if (v.filename) throw new SqlError('42501', 'COPY to or from a file is not allowed; use COPY … FROM STDIN / TO STDOUT (psql: \\copy)');
  if (v.is_from) {
    if (v.query) throw new SqlError(SqlState.SyntaxError, 'COPY FROM does not support a query');
    const rel = tableByRangeVar(s, v.relation);
    const colNames = nameList(v.attlist);
    const cols = colNames.length ? colNames.map((n) => {
      const i = rel.columns.findIndex((c) => c.name === n);
      if (i < 0) throw new SqlError(SqlState.UndefinedColumn, `column "${n}" of relation "${rel.name}" does not exist`);
      return i;
    }) : rel.columns.map((_, i) => i);
    return { kind: 'copyIn', columns: cols.length, sink: new CopyInTable(s, rel.oid, cols, opts), binary: opts.binary };
  }
  // COPY … TO STDOUT
  let plan;
  if (v.query) plan = optimize(s.binder([]).bindTopQuery(v.query.SelectStmt));
  else {
    const r = s.catalogView.lookupRelation(v.relation.schemaname ?? null, v.relation.relname);
    if (!r) throw new SqlError(SqlState.UndefinedTable, `relation "${v.relation.relname}" does not exist`);
    const [q] = (await import('../../sql/parser.js')).parseSql(`SELECT ${nameList(v.attlist).map((c) => `"${c}"`).join(', ') || '*'} FROM ${v.relation.schemaname ? `"${v.relation.schemaname}".` : ''}"${v.relation.relname}"`);
    plan = optimize(s.binder([]).bindTopQuery(q.node.SelectStmt));
  }
  const rows = s.runPlan(plan, []);
  const types = plan.columns.map((c) => c.type);
  if (opts.binary) {
    const chunks = encodeCopyBinary(rows, types, { timeZone: s.timeZone() });
    return { kind: 'copyOut', columns: plan.columns.length, chunks, tag: `COPY ${rows.length}`, binary: true };
  }
  const chunks: Buffer[] = [];
  if (opts.header) chunks.push(Buffer.from(plan.columns.map((c) => encodeField(c.name, opts)).join(opts.delimiter) + '\n'));
  const ctx = { timeZone: s.timeZone() };
  for (const r of rows) chunks.push(Buffer.from(r.map((d, i) => (d === null ? opts.null : encodeField(formatText(d, types[i], ctx)!, opts))).join(opts.delimiter) + '\n'));
  return { kind: 'copyOut', columns: plan.columns.length, chunks, tag: `COPY ${rows.length}` };
}

function encodeField(s: string, o: CopyOptions): string {
  if (o.csv) {
    if (s === '' || s.includes(o.delimiter) || s.includes(o.quote) || /[\r\n]/.test(s) || s === o.null) return o.quote + s.split(o.quote).join(o.escape + o.quote) + o.quote;
    return s;
  }
  return s.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t').replace(new RegExp(o.delimiter === '\t' ? '\\t' : escapeRe(o.delimiter), 'g'), '\\' + o.delimiter);
}
function escapeRe(s: string): string { return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'); }

/** Receives COPY data, inserts the rows and commits when the client sends CopyDone. */
class CopyInTable implements CopyInSink {
  private buf = '';
  private lineNo = 0;
  private rows = 0;
  private headerSkipped = false;
  private failed: SqlError | null = null;
  private readonly decoder = new TextDecoder();
  /** Binary COPY is parsed once the data is complete. */
  private readonly binaryData: Buffer[] = [];
  private readonly types: DataType[];
  private readonly defaults: Datum[];

  constructor(private readonly s: Session, private readonly oid: number, private readonly cols: number[], private readonly o: CopyOptions) {
    const rel = s.db.assertRelation(oid);
    this.types = rel.columns.map((c) => c.type);
    this.defaults = rel.columns.map((c, i) => (cols.includes(i) || !c.defaultSql ? null : evalDefault(s, c.defaultSql, c.type)));
  }

  write(data: Buffer): void {
    if (this.failed) return;
    if (this.o.binary) { this.binaryData.push(Buffer.from(data)); return; }
    this.buf += this.decoder.decode(data, { stream: true });
    try { this.drain(false); } catch (e) { this.failed = e instanceof SqlError ? e : new SqlError(SqlState.InternalError, String(e)); }
  }

  private drain(final: boolean): void {
    for (;;) {
      const end = this.o.csv ? csvRecordEnd(this.buf, this.o.quote) : this.buf.indexOf('\n');
      if (end < 0) {
        if (!final || this.buf.length === 0) return;
        this.line(this.buf.replace(/\r$/, ''));
        this.buf = '';
        return;
      }
      const line = this.buf.slice(0, end).replace(/\r$/, '');
      this.buf = this.buf.slice(end + 1);
      this.line(line);
    }
  }

  private line(line: string): void {
    this.lineNo++;
    if (line === '\\.') return;
    if (this.o.header && !this.headerSkipped) { this.headerSkipped = true; return; }
    const fields = this.o.csv ? splitCsv(line, this.o) : splitText(line, this.o);
    if (fields.length !== this.cols.length) {
      throw new SqlError('22P04', fields.length < this.cols.length ? `missing data for column "${this.s.db.assertRelation(this.oid).columns[this.cols[fields.length]].name}"` : 'extra data after last expected column', { detail: `COPY line ${this.lineNo}` });
    }
    const row: Row = this.defaults.slice();
    const ctx = { timeZone: this.s.timeZone() };
    const rel = this.s.db.assertRelation(this.oid);
    for (let i = 0; i < fields.length; i++) {
      const ci = this.cols[i];
      const f = fields[i];
      try {
        row[ci] = f === null ? null : parseText(f, this.types[ci], ctx);
      } catch (e) {
        if (e instanceof SqlError) e.detail = `COPY ${rel.name}, line ${this.lineNo}, column ${rel.columns[ci].name}: "${f}"`;
        throw e;
      }
    }
    this.insertRow(row);
  }

  private insertBinary(): void {
    const rel = this.s.db.assertRelation(this.oid);
    const fields = decodeCopyBinary(Buffer.concat(this.binaryData), this.cols.map((ci) => this.types[ci]), { timeZone: this.s.timeZone() });
    for (const values of fields) {
      this.lineNo++;
      const row: Row = this.defaults.slice();
      values.forEach((v, i) => { row[this.cols[i]] = v; });
      try { this.insertRow(row); } catch (e) {
        if (e instanceof SqlError) e.detail ??= `COPY ${rel.name}, line ${this.lineNo}`;
        throw e;
      }
    }
  }

  private insertRow(row: Row): void {
    const rel = this.s.db.assertRelation(this.oid);
    rel.columns.forEach((c, i) => {
      if (c.notNull && row[i] === null) throw new SqlError(SqlState.NotNullViolation, `null value in column "${c.name}" of relation "${rel.name}" violates not-null constraint`);
    });
    const o = this.s.tableOverlay(this.oid);
    if (rel.primaryKey && o.lookupPk(rowKey(row, rel.primaryKey)) !== undefined) {
      throw new SqlError(SqlState.UniqueViolation, `duplicate key value violates unique constraint "${rel.primaryKeyName ?? rel.name + '_pkey'}"`);
    }
    o.insert(row);
    this.rows++;
  }

  async finish(): Promise<string> {
    if (!this.failed) {
      try { if (this.o.binary) this.insertBinary(); else this.drain(true); } catch (e) { this.failed = e instanceof SqlError ? e : new SqlError(SqlState.InternalError, String(e)); }
    }
    if (this.failed) throw this.failed;
    if (!this.s.inTransactionBlock) await this.s.commitTxn();
    return `COPY ${this.rows}`;
  }

  abort(): void { this.failed ??= new SqlError(SqlState.QueryCanceled, 'COPY from stdin failed'); }
}

function splitText(line: string, o: CopyOptions): (string | null)[] {
  const out: (string | null)[] = [];
  let cur = '', raw = '';
  for (let i = 0; i <= line.length; i++) {
    const c = line[i];
    if (i === line.length || c === o.delimiter) {
      out.push(raw === o.null ? null : cur);
      cur = ''; raw = '';
      continue;
    }
    raw += c;
    if (c === '\\' && i + 1 < line.length) {
      const n = line[++i];
      raw += n;
      switch (n) {
        case 'n': cur += '\n'; break;
        case 'r': cur += '\r'; break;
        case 't': cur += '\t'; break;
        case 'b': cur += '\b'; break;
        case 'f': cur += '\f'; break;
        case 'v': cur += '\v'; break;
        case 'N': cur += 'N'; break;
        default: cur += n;
      }
    } else cur += c;
  }
  return out;
}

/** Index of the newline that ends the first CSV record (newlines inside quotes do not count). */
function csvRecordEnd(buf: string, quote: string): number {
  let inQ = false;
  for (let i = 0; i < buf.length; i++) {
    const c = buf[i];
    if (c === quote) inQ = !inQ;
    else if (c === '\n' && !inQ) return i;
  }
  return -1;
}

function splitCsv(line: string, o: CopyOptions): (string | null)[] {
  const out: (string | null)[] = [];
  let i = 0;
  for (;;) {
    let val = '';
    let quoted = false;
    if (line[i] === o.quote) {
      quoted = true;
      i++;
      for (;;) {
        if (i >= line.length) throw new SqlError('22P04', 'unterminated CSV quoted field');
        if (line[i] === o.escape && line[i + 1] === o.quote) { val += o.quote; i += 2; continue; }
        if (line[i] === o.quote) { i++; break; }
        val += line[i++];
      }
    }
    while (i < line.length && line[i] !== o.delimiter) val += line[i++];
    out.push(!quoted && val === o.null ? null : val);
    if (i >= line.length) break;
    i++;
  }
  return out;
}
