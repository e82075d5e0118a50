// First: with a session in the page, start loading the current page's code and data (web/src/boot.ts).
import './boot';
// The React 19 compatibility patch of antd v5 must load before any antd component.
import '@ant-design/v5-patch-for-react-19';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import './global.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
