import type { Knex } from 'knex';

/**
 * Identity and access: users and their credentials, organisations and the User IDs they hold, role assignments,
 * database sessions, API tokens, MFA state, one-time codes, password resets, mutual-consent sharing between
 * organisations, the access log, bookmarks and rate-limit counters. Times are ISO 8601 strings (UTC), like the
 * rest of the platform tables, so SQLite and PostgreSQL compare them alike.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('sys_org', (t) => {
    t.string('status', 20).notNullable().defaultTo('active');
    // Whether members may fall back to a one-time code by email when they have no authenticator app.
    t.boolean('mfa_email_fallback').notNullable().defaultTo(false);
  });

  await knex.schema.alterTable('sys_user', (t) => {
    t.string('first_name', 100);
    t.string('last_name', 100);
    t.string('phone', 40);
    t.text('password_hash');
    t.string('password_changed_at', 30);
    // Set at creation and by an administrator's reset: the credential reaches only the change-password step.
    t.boolean('must_change_password').notNullable().defaultTo(true);
    // First sign-in also asks for names, email and phone (SSI-FR-1); false until the user has confirmed them.
    t.boolean('profile_confirmed').notNullable().defaultTo(false);
    t.integer('failed_attempts').notNullable().defaultTo(0);
    t.string('locked_at', 30);
    t.string('last_sign_in_at', 30);
    t.string('deleted_at', 30);
    // 'totp' once an authenticator is enrolled; 'email' when the organisation allows the fallback and it is chosen.
    t.string('mfa_method', 10);
    // The TOTP secret, encrypted with the platform key (keyid:iv:tag:ciphertext).
    t.text('totp_secret');
    t.string('totp_enrolled_at', 30);
    // The last accepted TOTP time step: a code is accepted once, and never an older one.
    t.bigInteger('totp_last_step');
    t.string('updated_at', 30);
  });

  // Extra organisations a user belongs to (the home organisation is sys_user.org_id).
  await knex.schema.createTable('sys_user_org', (t) => {
    t.string('user_id', 36).notNullable().references('id').inTable('sys_user').onDelete('CASCADE');
    t.string('org_id', 36).notNullable().references('id').inTable('sys_org');
    t.primary(['user_id', 'org_id']);
  });

  // Job-type roles (declared in definitions) held by a user.
  await knex.schema.createTable('sys_user_role', (t) => {
    t.string('user_id', 36).notNullable().references('id').inTable('sys_user').onDelete('CASCADE');
    t.string('role', 100).notNullable();
    t.primary(['user_id', 'role']);
  });

  // "User IDs" an organisation holds (SSI-FR-60): the identities its personnel act for.
  await knex.schema.createTable('sys_org_user_id', (t) => {
    t.string('id', 36).primary();
    t.string('org_id', 36).notNullable().references('id').inTable('sys_org');
    t.string('code', 60).notNullable().unique();
    t.string('name', 200);
    t.string('status', 20).notNullable().defaultTo('active');
  });

  // Which User IDs of their own organisation a person may act for.
  await knex.schema.createTable('sys_user_user_id', (t) => {
    t.string('user_id', 36).notNullable().references('id').inTable('sys_user').onDelete('CASCADE');
    t.string('org_user_id', 36).notNullable().references('id').inTable('sys_org_user_id');
    t.primary(['user_id', 'org_user_id']);
  });

  // Sessions live in the database so any instance serves any request. `id` is the SHA-256 of the cookie value:
  // a leaked table does not leak usable sessions.
  await knex.schema.createTable('sys_session', (t) => {
    t.string('id', 64).primary();
    t.string('user_id', 36).notNullable().references('id').inTable('sys_user').onDelete('CASCADE');
    // 'mfa' → 'change_password' → 'profile' → 'active' (steps a user has still to pass).
    t.string('stage', 20).notNullable();
    t.string('csrf_token', 64).notNullable();
    t.string('created_at', 30).notNullable();
    t.string('authenticated_at', 30);
    t.string('last_seen_at', 30).notNullable();
    t.string('expires_at', 30).notNullable();
    t.string('ip', 64);
    t.string('user_agent', 300);
    t.string('revoked_at', 30);
    t.string('revoked_reason', 40);
    t.index(['user_id', 'revoked_at'], 'sys_session_user_idx');
  });

  await knex.schema.createTable('sys_api_token', (t) => {
    t.string('id', 36).primary();
    t.string('user_id', 36).notNullable().references('id').inTable('sys_user').onDelete('CASCADE');
    t.string('name', 100).notNullable();
    t.string('token_hash', 64).notNullable().unique();
    // The first characters of the token, shown in lists so a user can tell tokens apart.
    t.string('prefix', 16).notNullable();
    t.string('created_at', 30).notNullable();
    t.string('last_used_at', 30);
    t.string('expires_at', 30);
    t.string('revoked_at', 30);
  });

  // One-time codes sent by email (MFA fallback): hashed, 10 minutes, single use, only the latest valid.
  await knex.schema.createTable('sys_email_otp', (t) => {
    t.string('id', 36).primary();
    t.string('user_id', 36).notNullable().references('id').inTable('sys_user').onDelete('CASCADE');
    t.string('code_hash', 64).notNullable();
    t.string('created_at', 30).notNullable();
    t.string('expires_at', 30).notNullable();
    t.string('used_at', 30);
    t.string('superseded_at', 30);
    t.integer('attempts').notNullable().defaultTo(0);
    t.index(['user_id', 'created_at'], 'sys_email_otp_user_idx');
  });

  // One-time password-reset links (hashed token), issued by an administrator.
  await knex.schema.createTable('sys_password_reset', (t) => {
    t.string('id', 36).primary();
    t.string('user_id', 36).notNullable().references('id').inTable('sys_user').onDelete('CASCADE');
    t.string('token_hash', 64).notNullable().unique();
    t.string('created_at', 30).notNullable();
    t.string('created_by', 36);
    t.string('expires_at', 30).notNullable();
    t.string('used_at', 30);
  });

  // Mutual consent (SSI-NFR-28..34). Each side records its own consent: the grantor organisation agrees to share
  // the named User IDs with the grantee organisation, and the grantee agrees to receive them. Sharing holds only
  // while both rows exist, are within their dates and are not rescinded.
  await knex.schema.createTable('sys_consent', (t) => {
    t.string('id', 36).primary();
    t.string('grantor_org_id', 36).notNullable().references('id').inTable('sys_org');
    t.string('grantee_org_id', 36).notNullable().references('id').inTable('sys_org');
    // 'grantor' or 'grantee': which side's administrator recorded this consent.
    t.string('side', 10).notNullable();
    // JSON array of sys_org_user_id ids (User IDs of the grantor organisation).
    t.text('user_ids').notNullable();
    t.string('valid_from', 30).notNullable();
    t.string('valid_to', 30);
    t.string('recorded_by', 36).notNullable();
    t.string('recorded_at', 30).notNullable();
    t.string('rescinded_at', 30);
    t.string('rescinded_by', 36);
    t.index(['grantor_org_id', 'grantee_org_id'], 'sys_consent_pair_idx');
  });

  // Personnel of the grantee organisation granted access to a User ID of the grantor under a consent.
  await knex.schema.createTable('sys_access_grant', (t) => {
    t.string('id', 36).primary();
    t.string('consent_id', 36).notNullable().references('id').inTable('sys_consent');
    t.string('user_id', 36).notNullable().references('id').inTable('sys_user').onDelete('CASCADE');
    t.string('org_user_id', 36).notNullable().references('id').inTable('sys_org_user_id');
    t.string('granted_by', 36).notNullable();
    t.string('granted_at', 30).notNullable();
    t.string('revoked_at', 30);
    t.string('revoked_by', 36);
  });

  // Every sign-in, sign-out, failure and page or API access (SSI-FR-61a).
  await knex.schema.createTable('sys_access_log', (t) => {
    t.string('id', 36).primary();
    t.string('at', 30).notNullable();
    t.string('user_id', 36);
    t.string('username', 100);
    t.string('org_id', 36);
    // 'sign_in', 'sign_in_failed', 'sign_out', 'mfa_failed', 'page', 'api', 'session_expired', ...
    t.string('event', 30).notNullable();
    t.boolean('sign_in').notNullable().defaultTo(false);
    t.string('method', 10);
    t.string('url', 500);
    t.integer('status');
    t.string('description', 500);
    t.string('ip', 64);
    t.index(['org_id', 'at'], 'sys_access_log_org_idx');
    t.index(['user_id', 'at'], 'sys_access_log_user_idx');
  });

  await knex.schema.createTable('sys_bookmark', (t) => {
    t.string('id', 36).primary();
    t.string('user_id', 36).notNullable().references('id').inTable('sys_user').onDelete('CASCADE');
    t.string('title', 200).notNullable();
    t.string('url', 500).notNullable();
    t.string('table_name', 100);
    t.string('record_id', 36);
    t.string('created_at', 30).notNullable();
    t.unique(['user_id', 'url']);
  });

  // Fixed-window counters for rate limits, shared by every instance.
  await knex.schema.createTable('sys_rate_limit', (t) => {
    t.string('key', 200).notNullable();
    t.string('window_start', 30).notNullable();
    t.integer('count').notNullable().defaultTo(0);
    t.primary(['key', 'window_start']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const t of [
    'sys_rate_limit', 'sys_bookmark', 'sys_access_log', 'sys_access_grant', 'sys_consent', 'sys_password_reset',
    'sys_email_otp', 'sys_api_token', 'sys_session', 'sys_user_user_id', 'sys_org_user_id', 'sys_user_role', 'sys_user_org',
  ]) await knex.schema.dropTableIfExists(t);
  await knex.schema.alterTable('sys_user', (t) => {
    t.dropColumns('first_name', 'last_name', 'phone', 'password_hash', 'password_changed_at', 'must_change_password',
      'profile_confirmed', 'failed_attempts', 'locked_at', 'last_sign_in_at', 'deleted_at', 'mfa_method', 'totp_secret',
      'totp_enrolled_at', 'totp_last_step', 'updated_at');
  });
  await knex.schema.alterTable('sys_org', (t) => { t.dropColumns('status', 'mfa_email_fallback'); });
}
