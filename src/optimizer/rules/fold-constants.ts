// Constant folding: evaluate calls, casts and boolean logic over constants once at plan time,
// and drop filters that are always true.

import type { Expr, EvalContext } from '../../plan/expr.js';
import type { LogicalPlan } from '../../plan/logical.js';
import { exprKey, mapExpr } from '../../sql/binder/expr-key.js';
import { castDatum } from '../../functions/cast.js';
import type { Rule } from '../optimizer.js';

const NO_SESSION_CTX = null as unknown as EvalContext;

export function foldExpr(e: Expr): Expr {
  return mapExpr(e, (x) => {
    switch (x.kind) {
      case 'call': {
        if (x.volatile || x.args.length === 0) return undefined;
        const args = x.args.map(foldExpr);
        if (!args.every((a) => a.kind === 'const')) return { ...x, args };
        const vals = args.map((a) => (a as { value: unknown }).value);
        if (x.strict && vals.some((v) => v === null)) return { kind: 'const', type: x.type, value: null };
        // Only fold pure functions that need no session context; errors surface at run time.
        if (!PURE_OPERATORS.has(x.name)) return { ...x, args };
        try {
          return { kind: 'const', type: x.type, value: x.impl(vals as never, NO_SESSION_CTX) };
        } catch {
          return { ...x, args };
        }
      }
      case 'cast': {
        const arg = foldExpr(x.arg);
        if (arg.kind !== 'const' || (x.type.kind === 'scalar' && x.type.id === 'timestamptz') || (arg.type.kind === 'scalar' && arg.type.id === 'timestamptz')) return { ...x, arg };
        try { return { kind: 'const', type: x.type, value: castDatum(arg.value, arg.type, x.type, x.explicit, { timeZone: 'UTC' }) }; } catch { return { ...x, arg }; }
      }
      default: return undefined;
    }
  });
}

const PURE_OPERATORS = new Set(['+', '-', '*', '/', '%', '=', '<>', '!=', '<', '<=', '>', '>=', '||', 'u-', 'lower', 'upper', 'length', 'abs']);

export const foldConstants: Rule = {
  name: 'fold_constants',
  apply(plan: LogicalPlan): LogicalPlan {
    if (plan.kind === 'filter') {
      const p = foldExpr(plan.predicate);
      if (p.kind === 'const' && p.value === true) return plan.input;
      return exprKey(p) === exprKey(plan.predicate) ? plan : { ...plan, predicate: p };
    }
    return plan;
  },
};
