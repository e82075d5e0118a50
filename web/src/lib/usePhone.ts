/**
 * Whether the screen is phone-sized (narrower than 768 px, antd's `md`): the staff app then shows
 * its menu in a drawer, one column of cards and stacked case facts. Read synchronously from
 * `matchMedia` (antd's Grid.useBreakpoint answers only after a first render, which would flash the
 * desktop layout on a phone), and followed when the window is resized or turned.
 */
import { useSyncExternalStore } from 'react';

export const PHONE_QUERY = '(max-width: 767.98px)';

function subscribe(onChange: () => void): () => void {
  if (typeof window === 'undefined' || !window.matchMedia) return () => {};
  const mq = window.matchMedia(PHONE_QUERY);
  mq.addEventListener('change', onChange);
  return () => mq.removeEventListener('change', onChange);
}

function snapshot(): boolean {
  return typeof window !== 'undefined' && !!window.matchMedia && window.matchMedia(PHONE_QUERY).matches;
}

export function usePhone(): boolean {
  return useSyncExternalStore(subscribe, snapshot, () => false);
}
