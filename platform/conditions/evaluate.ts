/**
 * In-memory evaluation of conditions with json-rules-engine. Isomorphic: the browser bundle imports this module
 * and gets the same answers as the server.
 *
 * A condition is compiled once into a json-rules-engine Engine holding one rule; facts are supplied per run from
 * the evaluation context. Our additions are lowered before json-rules-engine sees them:
 *   - bare field names become `record.<field>`;
 *   - relative-date operators get a synthetic fact `{ now, span }` as their value;
 *   - `changes` / `changesTo` / `changesFrom` become a synthetic "changed" fact plus ordinary comparisons.
 * A value whose shape does not fit its operator (facts.ts `valueProblem`) is refused when compiling, as the lint
 * and the SQL compiler refuse it.
 */
import { Engine } from 'json-rules-engine';
import { factRef, factValue, isLeaf, parseFact, valueProblem, type ParsedFact } from './facts.js';
import { OPERATORS, RELATIVE_OPERATORS, VALUELESS_OPERATORS, isMissing } from './operators.js';
import type { Condition, FactContext, LeafCondition } from './types.js';

export type Evaluator = (context: FactContext) => Promise<boolean>;

type SyntheticFact = (ctx: FactContext) => unknown;

function changed(a: unknown, b: unknown): boolean {
  if (isMissing(a) && isMissing(b)) return false;
  return JSON.stringify(a ?? null) !== JSON.stringify(b ?? null);
}

class Lowering {
  readonly facts = new Map<string, ParsedFact>();
  readonly synthetic = new Map<string, SyntheticFact>();

  fact(name: unknown): string {
    const parsed = parseFact(name);
    if (!parsed) throw new Error(`"${String(name)}" is not a fact.`);
    this.facts.set(parsed.name, parsed);
    return parsed.name;
  }

  condition(c: Condition): Record<string, unknown> {
    if (!c || typeof c !== 'object') throw new Error('A condition must be an object.');
    if ('all' in c) return { all: c.all.map((x) => this.condition(x)) };
    if ('any' in c) return { any: c.any.map((x) => this.condition(x)) };
    if ('not' in c) return { not: this.condition(c.not) };
    if (isLeaf(c)) return this.leaf(c);
    throw new Error('A condition needs "all", "any", "not" or "fact".');
  }

  leaf(c: LeafCondition): Record<string, unknown> {
    const op = String(c.operator);
    // A value of the wrong shape would silently never match: refuse it as the lint does.
    const problem = factRef(c.value) === undefined ? valueProblem(op, c.value, String(c.fact)) : null;
    if (problem) throw new Error(`${problem.message} Expected: ${problem.expected}.`);
    if (op === 'changes' || op === 'changesTo' || op === 'changesFrom') {
      const current = parseFact(c.fact);
      if (!current || current.root !== 'record') throw new Error(`Operator "${op}" applies to a record field.`);
      if (c.path !== undefined) throw new Error(`"path" cannot be used with operator "${op}".`);
      const previous: ParsedFact = { root: 'previous', path: current.path, name: `previous.${current.path.join('.')}` };
      const id = `$changed.${current.path.join('.')}`;
      this.synthetic.set(id, (ctx) => {
        const now = factValue(ctx, current);
        if (ctx.previous === null || ctx.previous === undefined) return !isMissing(now) && !(Array.isArray(now) && now.length === 0) && now !== '';
        return changed(now, factValue(ctx, previous));
      });
      const didChange = { fact: id, operator: 'equal', value: true };
      if (op === 'changes') return didChange;
      const compared = op === 'changesTo' ? current.name : this.fact(previous.name);
      if (op === 'changesTo') this.fact(current.name);
      return { all: [didChange, { fact: compared, operator: 'equal', value: this.value(c.value) }] };
    }
    if (!(op in OPERATORS)) throw new Error(`Unknown operator "${op}".`);
    const fact = this.fact(c.fact);
    let value: unknown = this.value(c.value);
    if (RELATIVE_OPERATORS.has(op)) {
      const span = c.value;
      const id = `$relative.${this.synthetic.size}`;
      this.synthetic.set(id, (ctx) => ({ now: ctx.now ?? new Date().toISOString(), span }));
      value = { fact: id };
    }
    if (value === undefined && VALUELESS_OPERATORS.has(op)) value = true;
    const out: Record<string, unknown> = { fact, operator: op, value };
    if (c.path !== undefined) out.path = c.path;
    return out;
  }

  value(v: unknown): unknown {
    const ref = factRef(v);
    if (ref === null) throw new Error(`"${String((v as { fact: unknown }).fact)}" is not a fact.`);
    if (ref) return { fact: this.fact(ref.name) };
    return v;
  }
}

function newEngine(): Engine {
  const engine = new Engine([], { allowUndefinedFacts: true });
  for (const [name, fn] of Object.entries(OPERATORS)) engine.addOperator(name, fn);
  return engine;
}

/** Compile a condition once; the returned function evaluates it against a context. Throws on a malformed one. */
export function compileEvaluator(condition: Condition): Evaluator {
  const lowering = new Lowering();
  const lowered = lowering.condition(condition);
  const top = 'all' in lowered || 'any' in lowered || 'not' in lowered ? lowered : { all: [lowered] };
  const engine = newEngine();
  engine.addRule({ conditions: top as never, event: { type: 'match' } });
  const facts = [...lowering.facts.values()];
  const synthetic = [...lowering.synthetic.entries()];
  return async (ctx) => {
    const almanac: Record<string, unknown> = {};
    for (const f of facts) almanac[f.name] = factValue(ctx, f);
    for (const [id, fn] of synthetic) almanac[id] = fn(ctx);
    const { events } = await engine.run(almanac);
    return events.length > 0;
  };
}

const cache = new WeakMap<object, Evaluator>();

/** Evaluate a condition (compiled once per condition object and cached). */
export function evaluateCondition(condition: Condition, context: FactContext): Promise<boolean> {
  let fn = cache.get(condition);
  if (!fn) {
    fn = compileEvaluator(condition);
    cache.set(condition, fn);
  }
  return fn(context);
}
