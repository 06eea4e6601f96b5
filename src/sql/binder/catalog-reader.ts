// What the binder needs to know of the catalog: relations by name, views' definitions, and the
// system relations (pg_catalog, information_schema) with their column types.

import type { RelationDef } from '../../catalog/catalog.js';
import type { OutputColumn } from '../../plan/logical.js';

export type ResolvedRelation =
  | { readonly kind: 'relation'; readonly rel: RelationDef }
  | { readonly kind: 'system'; readonly schema: string; readonly name: string; readonly columns: OutputColumn[] };

export interface CatalogReader {
  /** Find a relation by optional schema and name, following search_path when unqualified. */
  lookupRelation(schema: string | null, name: string): ResolvedRelation | undefined;
  /** The schema unqualified CREATE statements use (first existing entry of search_path). */
  creationSchema(): string;
  relationByOid(oid: number): RelationDef | undefined;
  searchPath(): string[];
}
