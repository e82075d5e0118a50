// No eval under the page's CSP: zod's parsers without their compiled fast path (web/src/zod-csp.ts).
import './zod-csp';
// First: with a session in the page, start loading the current page's code and data (web/src/boot.ts).
import { bootCode } from './boot';
// The React 19 compatibility patch of antd v5 must load before any antd component.
import '@ant-design/v5-patch-for-react-19';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import './global.css';

// The first render waits for the page's code that boot.ts started loading (a few tens of ms,
// while the page's reads are on their way anyway), at most 1.5 s: rendered before, React would show
// the loading fallback and then hold the page back for its 300 ms reveal throttle
// (web/src/routes/preloadable.ts).
const render = () =>
  createRoot(document.getElementById('root')!).render(
    <StrictMode>
      <App />
    </StrictMode>,
  );
void Promise.race([bootCode, new Promise((resolve) => setTimeout(resolve, 1500))]).then(render, render);
