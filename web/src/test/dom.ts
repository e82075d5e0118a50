/**
 * What antd needs from a browser that jsdom lacks. Import first in every jsdom test file
 * (after the `// @vitest-environment jsdom` line).
 */
import { vi } from 'vitest';

if (typeof window !== 'undefined') {
  if (!window.matchMedia) {
    Object.defineProperty(window, 'matchMedia', {
      writable: true,
      value: (query: string) => ({
        matches: false,
        media: query,
        onchange: null,
        addListener: vi.fn(),
        removeListener: vi.fn(),
        addEventListener: vi.fn(),
        removeEventListener: vi.fn(),
        dispatchEvent: vi.fn(),
      }),
    });
  }
  // jsdom's getComputedStyle cascades every style sheet on every call, and antd's CSS-in-JS injects
  // hundreds: most of a test's time went there (IntakeForm 15 s → see README). What the tests ask of
  // computed styles is whether an element is shown (Testing Library's `hidden` checks), which antd
  // decides with inline `display: none` and the `hidden` attribute; so the computed style here is the
  // inline style alone. (jsdom does not implement pseudo-elements either: antd asks for scrollbars.)
  window.getComputedStyle = ((el: Element) => (el as HTMLElement).style ?? document.createElement('div').style) as typeof window.getComputedStyle;
  if (!('ResizeObserver' in window)) {
    (window as unknown as { ResizeObserver: unknown }).ResizeObserver = class {
      observe() {}
      unobserve() {}
      disconnect() {}
    };
  }
}

/** A fetch Response with a JSON body. */
export function jsonResponse(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}
