import { useCallback, useRef, useState } from 'react';

/**
 * Runs at most one submission at a time: a second click while the first is in flight does nothing
 * (a ref, not state, so even two clicks in the same tick send one request).
 */
export function useSubmitGuard() {
  const busy = useRef(false);
  const [pending, setPending] = useState(false);
  const run = useCallback(async <T,>(fn: () => Promise<T>): Promise<T | undefined> => {
    if (busy.current) return undefined;
    busy.current = true;
    setPending(true);
    try {
      return await fn();
    } finally {
      busy.current = false;
      setPending(false);
    }
  }, []);
  return { run, pending };
}
