/**
 * What the app shell (fw-app) provides to every component below it, through @lit/context: the session, the API
 * client and the metadata. Components consume them (`@consume({ context, subscribe: true }) accessor …`) instead of
 * reaching for module-level singletons, so a component names what it depends on, and a new session value (and,
 * at sign-in, a new metadata cache) reaches every subscribed consumer at once.
 */
import { createContext } from '@lit/context';
import type { ApiClient } from './api/client.js';
import type { Metadata } from './api/meta.js';
import type { SessionInfo } from './api/types.js';

/** The session the page holds (null when nobody is signed in); the shell is its only writer. */
export const sessionContext = createContext<SessionInfo | null>(Symbol('fw-session'));

/** The one API client of the page (CSRF token, server clock, session-lost callback). */
export const apiContext = createContext<ApiClient>(Symbol('fw-api'));

/** Tables, forms, menus and workflows as the signed-in person may see them, cached for their sign-in. */
export const metaContext = createContext<Metadata>(Symbol('fw-meta'));
