// Generated variations on the hand-written corpus: every pairing of numeric column types under
// each arithmetic and comparison operator, casts between types, aggregates under each grouping,
// random filters, joins and window frames. Seeded, so a failing query reproduces.

import { generator } from './data.js';
import type { CorpusQuery } from './corpus.js';

const NUM_COLS = ['i2', 'i4', 'i8', 'n', 'n2', 'f8', 'f4'];
const ARITH = ['+', '-', '*', '/', '%'];
const CMP = ['=', '<>', '<', '<=', '>', '>='];
const CAST_TARGETS = ['int2', 'int4', 'int8', 'numeric', 'numeric(10,2)', 'float8', 'real', 'text', 'varchar(3)', 'bool'];
const AGGS = ['count', 'sum', 'avg', 'min', 'max', 'stddev_samp', 'var_pop'];
const GROUPINGS = ['', 'GROUP BY g', 'GROUP BY b', 'GROUP BY g, b'];
const JOINS = ['JOIN', 'LEFT JOIN', 'RIGHT JOIN', 'FULL JOIN'];
const WINDOW_FUNCS = ['row_number()', 'rank()', 'dense_rank()', 'sum(i4)', 'count(n)', 'min(n2)', 'max(i8)', 'avg(i2)', 'lag(i4)', 'lead(n2, 2)', 'first_value(f4)', 'last_value(i2)', 'ntile(3)'];
const FRAMES = [
  '', 'ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW', 'ROWS BETWEEN 1 PRECEDING AND 1 FOLLOWING',
  'ROWS BETWEEN CURRENT ROW AND UNBOUNDED FOLLOWING', 'RANGE BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING',
  'ROWS BETWEEN 3 PRECEDING AND 1 PRECEDING',
];
const FILTERS = ['i4 > 0', 'n < 0', 'b', 'NOT b', 'g IS NULL', 'g IN (1, 2)', 'f8 BETWEEN -50 AND 50', 'i2 <> 0', 'n2 IS NOT NULL', 'i8 % 2 = 0', 'b IS NOT FALSE'];

export function templatedQueries(seed: number): CorpusQuery[] {
  const g = generator(seed);
  const out: CorpusQuery[] = [];
  const add = (name: string, sql: string) => out.push({ sql, where: `template ${name}` });

  // Every pairing of numeric column types under arithmetic: result types, exactness, overflow.
  for (const a of NUM_COLS) {
    for (const b of NUM_COLS) {
      const op = ARITH[(NUM_COLS.indexOf(a) + NUM_COLS.indexOf(b)) % ARITH.length];
      add('arith', `SELECT id, ${a} ${op} ${b} FROM nums WHERE ${b} <> 0`);
    }
  }
  // Comparisons across numeric types (cross-type comparison must be exact, e.g. int8 vs float8).
  for (const a of NUM_COLS) {
    const b = g.pick(NUM_COLS);
    add('compare', `SELECT id, ${CMP.map((c) => `${a} ${c} ${b}`).join(', ')} FROM nums`);
  }
  // Casts from each numeric column to each target type (out-of-range values must fail alike).
  for (const a of NUM_COLS) {
    for (const t of CAST_TARGETS) {
      if (t === 'bool' && !a.startsWith('i')) continue;
      add('cast', `SELECT id, ${a}::${t} FROM nums WHERE id % 3 = ${g.int(0, 2)}`);
    }
  }
  // Aggregates under each grouping.
  for (const agg of AGGS) {
    for (const grouping of GROUPINGS) {
      const col = agg === 'count' ? g.pick(['*', 'i4', 'DISTINCT g']) : g.pick(['i2', 'i4', 'n', 'n2', 'f4']);
      const keys = grouping.replace('GROUP BY', '').trim();
      add('aggregate', `SELECT ${keys ? `${keys}, ` : ''}${agg}(${col}) FROM nums ${grouping}`);
    }
  }
  // Random conjunctions and disjunctions of filters.
  for (let i = 0; i < 25; i++) {
    const f1 = g.pick(FILTERS), f2 = g.pick(FILTERS), f3 = g.pick(FILTERS);
    const form = g.pick([`${f1} AND ${f2}`, `${f1} OR ${f2}`, `NOT (${f1}) OR ${f2}`, `(${f1} OR ${f2}) AND NOT ${f3}`, `(${f1}) IS NOT TRUE AND ${f2}`]);
    add('filter', `SELECT id FROM nums WHERE ${form}`);
  }
  // Joins of each kind with equality plus a random residual condition.
  for (const j of JOINS) {
    for (let i = 0; i < 4; i++) {
      const residual = g.pick(['', ` AND r.qty > ${g.int(0, 40)}`, ` AND l.amt < ${g.int(100, 900)}`, ` AND l.lv < r.rv`, ` AND l.id <> r.id`]);
      const where = g.pick(['', ` WHERE l.id > ${g.int(1, 15)}`, ' WHERE r.id IS NULL', ' WHERE l.k IS NOT NULL']);
      add('join', `SELECT l.id, r.id, l.k, r.k FROM l ${j} r ON l.k = r.k${residual}${where}`);
    }
  }
  // Window functions over partitions, orders and frames.
  for (const fn of WINDOW_FUNCS) {
    for (let i = 0; i < 3; i++) {
      const part = g.pick(['', 'PARTITION BY g', 'PARTITION BY b']);
      const frame = /^(row_number|rank|dense_rank|lag|lead|ntile)/.test(fn) ? '' : g.pick(FRAMES);
      add('window', `SELECT id, ${fn} OVER (${part} ORDER BY id ${frame}) FROM nums`);
    }
  }
  // Sorted output with NULLS FIRST/LAST, LIMIT and OFFSET.
  for (let i = 0; i < 12; i++) {
    const col = g.pick(['i2', 'i4', 'i8', 'n', 'n2', 'f8', 'f4', 'b', 'g']);
    const dir = g.pick(['', ' DESC', ' ASC']);
    const nulls = g.pick(['', ' NULLS FIRST', ' NULLS LAST']);
    add('order', `SELECT id, ${col} FROM nums ORDER BY ${col}${dir}${nulls}, id LIMIT ${g.int(1, 20)} OFFSET ${g.int(0, 10)}`);
  }
  // String functions over text and varchar columns.
  const STR_EXPRS = ['upper(%)', 'lower(%)', 'length(%)', "% || '|'", 'substr(%, 2, 3)', "replace(%, 'a', '-')", "% LIKE '%a%'", "% ILIKE 'A%'", "position('b' in %)", "lpad(%, 6, '.')", "split_part(%, ' ', 1)", 'reverse(%)', "% ~ '[A-Z]'", "coalesce(%, 'none')"];
  for (const e of STR_EXPRS) {
    add('string', `SELECT id, ${e.replace(/%(?![a'])/g, g.pick(['s', 'v', 't']))} FROM strs`);
  }
  return out;
}
