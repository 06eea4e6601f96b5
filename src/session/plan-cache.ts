// Per-session caches that let a repeated statement skip analysis and planning:
//
// - statements: the analysis (parameter types, result columns) of a parsed SELECT or DML
//   statement, keyed by its parse tree (shared through src/sql/parse-cache.ts) and the parameter
//   types the client declared, so a repeated simple query or unnamed Parse is not bound again
//   (only trees the parse cache hands out again are worth remembering);
// - plans: the optimized plan of a prepared SELECT, so each Execute of it runs the plan at once.
//
// Everything is stamped with the catalog version (bumped by every DDL) and the session's settings
// generation (bumped by every SET, RESET, set_config and SET LOCAL undo): a stale entry is made
// again, so a cached plan never sees a dropped table, an old search_path or an old TimeZone.

import type { LogicalPlan } from '../plan/logical.js';
import type { ParsedStatement } from '../sql/parser.js';
import { isSharedParse } from '../sql/parse-cache.js';
import { nodeTag } from '../sql/ast.js';
import { optimize } from '../optimizer/optimizer.js';
import type { PreparedStatement } from './result.js';

/** What the stamp is read from: the session's catalog and settings. */
export interface PlanCacheOwner {
  readonly db: { readonly catalog: { readonly version: number } };
  readonly settings: { readonly generation: number };
}

export interface Stamp { readonly catalogVersion: number; readonly settingsGeneration: number }

/** The catalog version and settings generation a cache entry is made under. */
export function stampOf(owner: PlanCacheOwner): Stamp {
  return { catalogVersion: owner.db.catalog.version, settingsGeneration: owner.settings.generation };
}

/** Whether an entry made under `s` is still valid: no DDL and no settings change since. */
export function isCurrentStamp(owner: PlanCacheOwner, s: Stamp): boolean {
  return s.catalogVersion === owner.db.catalog.version && s.settingsGeneration === owner.settings.generation;
}

interface CachedPlan extends Stamp { plan: LogicalPlan; optimized: boolean }

interface CachedStatement extends Stamp { readonly prepared: PreparedStatement }

const CACHEABLE = new Set(['SelectStmt', 'InsertStmt', 'UpdateStmt', 'DeleteStmt']);

export class PlanCache {
  private readonly plans = new WeakMap<PreparedStatement, CachedPlan>();
  private readonly statements = new WeakMap<ParsedStatement, Map<string, CachedStatement>>();

  constructor(private readonly owner: PlanCacheOwner) {}

  /**
   * The analysis of `stmt` with the declared parameter types `paramOids`: from the cache if it is
   * current, else `analyze()`'s result, remembered for next time (SELECT and DML only).
   */
  statement(stmt: ParsedStatement, paramOids: readonly number[], analyze: () => PreparedStatement): PreparedStatement {
    // A tree not from the parse cache will not be seen again: nothing to remember it by.
    if (!isSharedParse(stmt) || !CACHEABLE.has(nodeTag(stmt.node))) return analyze();
    const key = paramOids.length ? paramOids.join(',') : '';
    let byTypes = this.statements.get(stmt);
    const hit = byTypes?.get(key);
    if (hit && this.isCurrent(hit)) return hit.prepared;
    const prepared = analyze();
    if (!byTypes) { byTypes = new Map(); this.statements.set(stmt, byTypes); }
    byTypes.set(key, { prepared, ...this.stamp() });
    return prepared;
  }

  /**
   * The optimized plan of the SELECT `p`: cached if current, else `bind()`'s plan optimized. The
   * plan's parameters are bound per execution, so one plan serves every parameter value.
   */
  plan(p: PreparedStatement, bind: () => LogicalPlan): LogicalPlan {
    const hit = this.plans.get(p);
    if (hit && this.isCurrent(hit)) {
      if (!hit.optimized) { hit.plan = optimize(hit.plan); hit.optimized = true; }
      return hit.plan;
    }
    const plan = optimize(bind());
    this.plans.set(p, { plan, optimized: true, ...this.stamp() });
    return plan;
  }

  /**
   * Keep the plan bound while analysing `p`, so its first execution does not bind again. Only
   * valid when execution would bind with the same parameter types analysis started from.
   */
  remember(p: PreparedStatement, bound: LogicalPlan): void {
    this.plans.set(p, { plan: bound, optimized: false, ...this.stamp() });
  }

  private stamp(): Stamp { return stampOf(this.owner); }

  private isCurrent(s: Stamp): boolean { return isCurrentStamp(this.owner, s); }
}
