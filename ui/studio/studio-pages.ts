/**
 * The studio's pages, loaded as one chunk the first time a studio page is shown (ui/app-shell.ts): the editors and
 * the workflow diagram's layout engine are the heaviest part of the app and most people never open them.
 */
import './fw-studio-changeset.js';
import './fw-studio-changesets.js';
import './fw-studio-definition.js';
import './fw-studio-definitions.js';
import './fw-studio-version.js';
import './fw-studio-versions.js';
