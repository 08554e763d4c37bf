import type { Catalog } from './catalog.js';
import type { Renderer } from './representations.js';
import type { JiraStore } from './store.js';

/** What the REST route modules share. */
export interface RouteDeps {
  catalog: Catalog;
  store: JiraStore;
  renderer: Renderer;
}
