// Validation of CREATE SOURCE options: the connector checks its options and the declared
// columns (SQLSTATE 22023 for bad values, 42804 for incompatible column types, 0A000 for an
// unknown connector), then may fix options for storage (e.g. nexmark.base.time = 'now').

import { SqlError, SqlState } from '../errors.js';
import type { ColumnDef } from '../catalog/catalog.js';
import { sourceConnector } from './connectors/registry.js';
import { parseDurationMs } from './checkpoint/checkpoint-config.js';
import { IDLE_TIMEOUT_OPTION } from './connectors/option-values.js';

export { IDLE_TIMEOUT_OPTION };

/** The source's idle timeout in ms (0: none). */
export function sourceIdleTimeoutMs(options: Readonly<Record<string, string>>): number {
  const v = options[IDLE_TIMEOUT_OPTION];
  return v === undefined ? 0 : parseDurationMs(IDLE_TIMEOUT_OPTION, v);
}

export function validateSourceOptions(options: Record<string, string>, columns: ColumnDef[]): void {
  const name = options.connector;
  if (!name) throw new SqlError(SqlState.InvalidParameterValue, 'CREATE SOURCE needs WITH (connector = …)');
  const connector = sourceConnector(name);
  if (!columns.length) throw new SqlError(SqlState.InvalidParameterValue, 'a source needs at least one column');
  const seen = new Set<string>();
  for (const c of columns) {
    if (seen.has(c.name)) throw new SqlError(SqlState.DuplicateColumn, `column "${c.name}" specified more than once`);
    seen.add(c.name);
  }
  if (options[IDLE_TIMEOUT_OPTION] !== undefined) sourceIdleTimeoutMs(options); // a duration (22023)
  connector.validate(options, columns.map((c) => ({ name: c.name, type: c.type })));
  if (connector.prepare) {
    const prepared = connector.prepare(options);
    for (const k of Object.keys(options)) delete options[k];
    Object.assign(options, prepared);
  }
}
