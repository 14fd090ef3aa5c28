/**
 * Lint of the inactivity settings data files give organisations (an organisation's `inactivity`, or the file's for
 * all the organisations it declares): the settings API's own checks (access/inactivity/settings.ts), so a pack is
 * told exactly what an administrator sending the same settings would be, at the file and member it came from.
 */
import { orgOverrideProblems } from '../access/inactivity/settings.js';
import type { LintContext } from '../definitions/kinds.js';
import type { DataFile } from './types.js';

/** An API member path ("warning.subject") as a JSON pointer below `base` ("/inactivity/warning/subject"). */
const pointerOf = (base: string, field: string) => (field ? `${base}/${field.split('.').map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}` : base);

function check(ctx: LintContext, base: string, value: unknown): void {
  for (const p of orgOverrideProblems(value)) ctx.report(pointerOf(base, p.field), p.message, { value: p.field ? undefined : value });
}

/** Report every problem of the file's inactivity settings. */
export function lintDataInactivity(def: DataFile, ctx: LintContext): void {
  if (def.inactivity !== undefined) {
    check(ctx, '/inactivity', def.inactivity);
    if (!def.organisations?.length) {
      ctx.report('/inactivity', 'These settings apply to the organisations this file declares, and it declares none.', { expected: '"organisations" in the same file' });
    }
  }
  def.organisations?.forEach((o, i) => {
    if (o.inactivity !== undefined) check(ctx, `/organisations/${i}/inactivity`, o.inactivity);
  });
}
