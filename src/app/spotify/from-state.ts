/**
 * The server's CatalogueState (src/app/server/catalogue-state.ts) as SpotifySurfaceDeps. Typed
 * structurally on the few members it reads, so the surface does not depend on the server's module.
 *
 *   await app.register(spotifySurface(spotifyDepsFromState(app.catalogue, mode)));
 */
import type { ContextSpec, RecCatalog } from '../../core/recommend/index.ts';
import { catalogueDeps } from './catalogue-deps.ts';
import type { SpotifyAuth, SpotifySurfaceDeps } from './types.ts';

export interface CatalogueStateLike {
  /** The current snapshot; replaced (not mutated) after every write. */
  readonly snapshot: { readonly rec: RecCatalog; readonly rowOf?: ReadonlyMap<string, number> };
  /** User context presets besides the built-ins. */
  readonly contexts?: readonly ContextSpec[];
}

export function spotifyDepsFromState(state: CatalogueStateLike, auth: SpotifyAuth): SpotifySurfaceDeps {
  return catalogueDeps({
    catalogue: () => state.snapshot,
    contexts: () => state.contexts ?? [],
  }, auth);
}
