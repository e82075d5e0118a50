/**
 * A page loaded on demand that renders at once when its code is already here.
 *
 * `React.lazy` suspends on its first render even when the chunk was fetched long before (by
 * web/src/boot.ts on a full load, or on hover): React then commits the fallback and — React 19
 * throttles the reveal of a suspended boundary to 300 ms after its fallback appeared — shows the page
 * up to 300 ms later than it could. A `preloadable` page keeps the loaded module: an instance created
 * after `load()` finished renders the page directly, without suspending; one created before falls
 * back to `lazy` (and keeps it for its whole life, so a page is never remounted by this switch).
 */
import { createElement, lazy, useState, type ComponentType } from 'react';

export interface Preloadable<P extends object> {
  /** Starts loading the code (once); resolves when it is here. */
  load(): Promise<void>;
  Component: ComponentType<P>;
}

export function preloadable<P extends object>(importer: () => Promise<{ default: ComponentType<P> }>): Preloadable<P> {
  let loaded: ComponentType<P> | null = null;
  let pending: Promise<void> | null = null;
  const load = (): Promise<void> =>
    (pending ??= importer().then(
      (m) => {
        loaded = m.default;
      },
      (e: unknown) => {
        pending = null; // a failed chunk can be asked for again
        throw e;
      },
    ));
  const Lazy = lazy(() => load().then(() => ({ default: loaded! })));
  function Component(props: P) {
    const [direct] = useState(() => loaded);
    return direct ? createElement(direct, props) : createElement(Lazy, props);
  }
  return { load, Component };
}
