// Name resolution scope of one query level: the columns visible in FROM, by qualifier and name.

import { SqlError, SqlState } from '../../errors.js';
import type { DataType } from '../../types/datatype.js';
import type { CteDef } from '../../plan/logical.js';

export interface ScopeColumn {
  /** Table alias or name that qualifies the column (`t` in `t.a`), if any. */
  readonly qualifier: string | null;
  readonly schema?: string;
  readonly name: string;
  readonly type: DataType;
  /** Hidden columns (the right side of JOIN USING) resolve only when qualified. */
  readonly hidden?: boolean;
  readonly tableOid?: number;
  readonly attnum?: number;
}

export class Scope {
  readonly ctes = new Map<string, CteDef>();
  constructor(public columns: ScopeColumn[], readonly parent: Scope | null) {}

  /** Resolve `name` or `qual.name`. Returns the column position, or undefined if not visible here. */
  resolve(qualifier: string | null, name: string, position?: number): number | undefined {
    let found: number | undefined;
    for (let i = 0; i < this.columns.length; i++) {
      const c = this.columns[i];
      if (c.name !== name) continue;
      if (qualifier !== null ? c.qualifier !== qualifier : c.hidden) continue;
      if (found !== undefined) {
        throw new SqlError(SqlState.AmbiguousColumn, `column reference "${qualifier ? qualifier + '.' : ''}${name}" is ambiguous`, { position });
      }
      found = i;
    }
    return found;
  }

  hasQualifier(q: string): boolean { return this.columns.some((c) => c.qualifier === q); }

  findCte(name: string): CteDef | undefined {
    for (let s: Scope | null = this; s; s = s.parent) {
      const c = s.ctes.get(name);
      if (c) return c;
    }
    return undefined;
  }
}
