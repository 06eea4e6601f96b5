// libpg-query's parse tree is JSON shaped by PostgreSQL's node types (@pgsql/types). The binder
// walks it structurally, so it is typed loosely here and checked by the binder node by node.

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Node = any;

/** The single key of a node wrapper, e.g. 'SelectStmt' for { SelectStmt: {…} }. */
export function nodeTag(n: Node): string {
  for (const k in n) return k;
  return '';
}

/** Strings of a name list ([{String:{sval:'a'}}, …]). */
export function nameList(list: Node[] | undefined): string[] {
  return (list ?? []).map((x: Node) => (x.String ? x.String.sval : x.A_Star ? '*' : String(x)));
}

export function constInt(n: Node | undefined): number | undefined {
  if (!n) return undefined;
  if (n.Integer) return n.Integer.ival ?? 0;
  if (n.A_Const?.ival) return n.A_Const.ival.ival ?? 0;
  return undefined;
}
