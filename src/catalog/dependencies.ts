// Which relations a view, materialized view, stream or sink depends on: the relations its query
// read when it was bound (so a column that shares a relation's name is no dependency). Relations
// stored before that list was kept fall back to a mention of the name in the query text.

import type { RelationDef } from './catalog.js';

export function dependsOn(r: RelationDef, on: RelationDef): boolean {
  if (r.oid === on.oid || !r.query) return false;
  if (r.dependsOn) return r.dependsOn.includes(on.oid);
  return new RegExp(`\\b${on.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`, 'i').test(r.query);
}

/** The relations that depend on `on` directly. */
export function dependentsOf(all: readonly RelationDef[], on: RelationDef): RelationDef[] {
  return all.filter((r) => dependsOn(r, on));
}

/** Every relation that depends on `on`, directly or through others (what DROP … CASCADE drops). */
export function allDependentsOf(all: readonly RelationDef[], on: RelationDef): RelationDef[] {
  const found = new Map<number, RelationDef>();
  const visit = (rel: RelationDef) => {
    for (const d of dependentsOf(all, rel)) if (d.oid !== on.oid && !found.has(d.oid)) { found.set(d.oid, d); visit(d); }
  };
  visit(on);
  return [...found.values()];
}
