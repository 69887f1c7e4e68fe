// The demo view's layout (?demo), for an iframe in a documentation page: the
// step buttons and the status line move to a small bar at the top, and the
// diagram, the schema and the migrations show one at a time, as tabs;
// `&view=diagram|schema|migrations` chooses the first (an unknown value is
// ignored: the diagram). Layout only: the panels draw as everywhere else.
import { $ } from './dom.js';

const VIEWS = ['diagram', 'schema', 'migrations'];

const tabs = () => [...$('demo-tabs').querySelectorAll('[role=tab]')];

/** Shows `view`'s panel and hides the others; `focus` moves the keyboard to its tab. */
function select(view, { focus = false } = {}) {
  for (const tab of tabs()) {
    const on = tab.dataset.view === view;
    tab.setAttribute('aria-selected', String(on));
    tab.tabIndex = on ? 0 : -1;
    $(tab.getAttribute('aria-controls')).hidden = !on;
    if (on && focus) tab.focus();
  }
  document.body.dataset.view = view;
}

export function start(app) {
  const bar = $('demo-bar');
  bar.append($('steps'), $('progress'), $('error'));
  bar.hidden = false;
  $('demo-tabs').hidden = false;
  for (const tab of tabs()) {
    const panel = $(tab.getAttribute('aria-controls'));
    panel.setAttribute('role', 'tabpanel');
    panel.setAttribute('aria-labelledby', tab.id);
    tab.addEventListener('click', () => select(tab.dataset.view));
  }
  // Arrow keys, Home and End move between the tabs (the ARIA tabs pattern); Tab goes into the panel.
  $('demo-tabs').addEventListener('keydown', (event) => {
    const i = VIEWS.indexOf(document.body.dataset.view);
    const to = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: VIEWS.length - 1 }[event.key];
    if (to === undefined) return;
    event.preventDefault();
    select(VIEWS[(to + VIEWS.length) % VIEWS.length], { focus: true });
  });
  const asked = app.params.get('view');
  select(VIEWS.includes(asked) ? asked : 'diagram');
}
