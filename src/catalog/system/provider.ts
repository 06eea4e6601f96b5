// Computes a system relation's rows for one query (ExecContext's SystemTables).

import { SqlError, SqlState } from '../../errors.js';
import type { Row } from '../../types/value.js';
import type { SystemTables } from '../../executor/context.js';
import type { Session } from '../../session/session.js';
import { systemRelationByName } from './registry.js';
import './pg-catalog.js';
import './information-schema.js';
import './information-schema-constraints.js';

export class SystemTableProvider implements SystemTables {
  private readonly cache = new Map<string, Row[]>();
  constructor(private readonly session: Session) {}

  rows(name: string): Row[] {
    let r = this.cache.get(name);
    if (!r) {
      const rel = systemRelationByName(name);
      if (!rel) throw new SqlError(SqlState.UndefinedTable, `relation "${name}" does not exist`);
      r = rel.rows(this.session);
      this.cache.set(name, r);
    }
    return r;
  }
}
