/**
 * The studio's definition layer: change sets edited through the API, published as registry versions layered over
 * the definition files, switched to by every instance on the database, compared and rolled back. The engine
 * creates one runtime (createStudio), loads the published layer at start, and polls for versions published
 * elsewhere; the API is mounted by platform/http/app.ts.
 */
import type { Formwork } from '../context.js';
import { formatDefinitionErrors, type RegistryHolder } from '../definitions/registry.js';
import { fail } from '../errors.js';
import type { SchemaChange } from '../records/schema-sync.js';
import { LayerPoller } from './poller.js';
import { DefinitionStudio } from './service.js';
import { fetchHidden, fetchLayer, fetchCurrentVersion } from './store.js';
import type { StudioService } from './types.js';

export { studioRouter, STUDIO_CAPABILITY } from './routes.js';
export { studioPollMs, LayerPoller } from './poller.js';
export { diffJson } from './diff.js';
export { buildExport, readBundle, writeExport, MANIFEST_FILE, type ExportBundle, type ExportManifest } from './export.js';
export { fetchPublishedLayer } from './layer.js';
export { fetchHidden } from './store.js';
export type * from './types.js';

/** What the engine holds of the studio. */
export interface StudioRuntime {
  service: StudioService;
  poller: LayerPoller;
  /**
   * Put the published layer in force over the files (at start, after migrations). Fails with `definition_invalid`,
   * every error listed, when the files in place and the published layer do not make a valid registry together.
   */
  loadPublished(): Promise<void>;
  /** For schema sync: the dropped tables and columns the studio hid, left as they are with their data. */
  keep(): Promise<(c: SchemaChange) => boolean>;
}

/** The studio of an engine serving from `holder`. */
export function createStudio(fw: Formwork, holder: RegistryHolder): StudioRuntime {
  return {
    service: new DefinitionStudio(fw, holder),
    poller: new LayerPoller(fw, holder),
    async loadPublished() {
      const version = await fetchCurrentVersion(fw.db.knex);
      if (version === 0) return;
      const layer = await fetchLayer(fw.db.knex, version);
      const built = await holder.prepare(fw.config.definitionRoots, layer);
      if (!built.registry) {
        fail('definition_invalid', `The definitions published in the studio (version ${version}) are not valid with these definition files:\n`
        + formatDefinitionErrors(built.errors), { extra: { definitionErrors: built.errors } });
      }
      holder.swap(built.registry, fw.clock.now().toISOString(), layer);
    },
    keep: () => fetchHidden(fw.db.knex),
  };
}
