// Validation of CREATE SOURCE options per connector, with SQLSTATE 22023 for bad values.

import { SqlError, SqlState } from '../errors.js';
import type { ColumnDef } from '../catalog/catalog.js';

export function validateSourceOptions(options: Record<string, string>, columns: ColumnDef[]): void {
  const connector = options.connector;
  if (!connector) throw new SqlError(SqlState.InvalidParameterValue, 'CREATE SOURCE needs WITH (connector = …)');
  if (connector !== 'nexmark' && connector !== 'datagen') {
    throw new SqlError(SqlState.FeatureNotSupported, `source connector "${connector}" is not supported yet`, { hint: "Supported here: 'nexmark', 'datagen'." });
  }
  if (!columns.length) throw new SqlError(SqlState.InvalidParameterValue, 'a source needs at least one column');
}
