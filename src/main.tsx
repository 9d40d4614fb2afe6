import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './ui/App';
import { boot } from './ui/boot';
import { registerOffline } from './ui/offline/registerOffline';
import './ui/styles.css';
import './ui/styles/layout.css';
import './ui/styles/themes.css';
import './ui/styles/present.css';
import './ui/styles/a11y.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
boot();
registerOffline();
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
