// The theme toggle in the header: system → light → dark → system. boot.js
// sets the theme before the first paint (a forced `&theme=`, else the saved
// choice); this keeps the button and the saved choice in step. A theme is
// forced by <html data-theme="light|dark">; none follows the system
// (prefers-color-scheme), as style.css reads it.
import { $ } from './dom.js';

const KEY = 'migraplay-theme';
const NEXT = { system: 'light', light: 'dark', dark: 'system' };

const current = () => document.documentElement.dataset.theme ?? 'system';

function show(theme) {
  if (theme === 'system') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = theme;
  $('theme').textContent = `Theme: ${theme}`;
}

export function wire(app) {
  show(current());
  $('theme').addEventListener('click', () => {
    const theme = NEXT[current()];
    show(theme);
    // The demo view saves nothing: the page embedding it chooses (&theme=), or the system does.
    if (app.demo) return;
    if (theme === 'system') app.prefs.remove(KEY);
    else app.prefs.set(KEY, theme);
  });
}
