/**
 * What people read for a person: their display name, else their username. One rule for every place that names
 * someone (display values, approvals, catalogue requests), in JavaScript for rows already read and in SQL for a
 * select, so a name reads the same wherever it shows. A display name of only spaces counts as none.
 */
import type { Knex } from 'knex';

/** A person's row as far as naming needs it. */
export interface NamedPerson {
  username: string;
  display_name?: string | null;
}

/** The person's name as others read it: their display name (trimmed), else their username. */
export function personName(person: NamedPerson): string {
  return (typeof person.display_name === 'string' && person.display_name.trim()) || person.username;
}

/**
 * The same name as a select expression, `coalesce(nullif(trim(<alias>.display_name), ''), <username>) as <as>`, on
 * both databases. `username` is the column to fall back on: by default the alias's own username; a stored copy
 * (e.g. the approver's name kept on an approval row) names someone whose account is gone.
 */
export function personNameSql(knex: Knex | Knex.Transaction, alias: string, as: string, username = `${alias}.username`): Knex.Raw {
  return knex.raw('coalesce(nullif(trim(??), \'\'), ??) as ??', [`${alias}.display_name`, username, as]);
}
