// The demo view's layout (?demo), for an iframe in a documentation page: a
// one-line header, the step buttons, the status line and the error in a small
// bar at the top with the SQL of the last step under them, and the diagram,
// the schema and the migrations one at a time, as tabs;
// `&view=diagram|schema|migrations` chooses the first (an unknown value is
// ignored: the diagram). The diagram fills what the frame has left. Layout
// only: the panels draw as everywhere else, and which file a step ran is the
// core's (`view.last_step`).
import { $ } from './dom.js';

const VIEWS = ['diagram', 'schema', 'migrations'];

const tabs = () => [...$('demo-tabs').querySelectorAll('[role=tab]')];

/**
 * Sizes the diagram to the rest of the frame: its top (under the header, the bar,
 * the tabs and the diagram's tools, whose heights change with the width and with
 * what the bar says) goes to --demo-diagram-top, and the stylesheet takes the
 * height from there. Returns the measure, for when the diagram comes into view.
 */
function fillFrame() {
  const diagram = $('diagram');
  const measure = () => {
    // (not checkVisibility(): Safari before 17.4 lacks it, and the demo would stop here)
    if (diagram.getClientRects().length === 0) return;
    const top = Math.round(diagram.getBoundingClientRect().top + scrollY);
    document.body.style.setProperty('--demo-diagram-top', `${top}px`);
  };
  const observer = new ResizeObserver(measure);
  for (const above of [document.querySelector('body > header'), $('demo-bar'), $('demo-tabs'), $('diagram-tools')]) observer.observe(above);
  return measure;
}

/** Shows `view`'s panel and hides the others; `focus` moves the keyboard to its tab. */
function select(view, { focus = false, measure = () => {} } = {}) {
  for (const tab of tabs()) {
    const on = tab.dataset.view === view;
    tab.setAttribute('aria-selected', String(on));
    tab.tabIndex = on ? 0 : -1;
    $(tab.getAttribute('aria-controls')).hidden = !on;
    if (on && focus) tab.focus();
  }
  document.body.dataset.view = view;
  measure();
}

/**
 * The demo's part of a view: the engine's line as the title's tooltip (the header
 * keeps one line), and the file the core says the last step ran, as text (hidden
 * before any step; an open disclosure stays open from step to step).
 */
export function render(view) {
  document.querySelector('body > header h1').title = $('engine').textContent;
  const step = view.last_step;
  const file = step ? view.files.find((f) => f.name === step.file) : null;
  $('demo-sql').hidden = !file;
  if (!file) return;
  $('demo-sql-file').textContent = file.name;
  $('demo-sql-text').textContent = file.text;
}

export function start(app) {
  const bar = $('demo-bar');
  bar.prepend($('steps'), $('progress'));
  bar.append($('error'));
  bar.hidden = false;
  $('demo-tabs').hidden = false;
  const measure = fillFrame();
  for (const tab of tabs()) {
    const panel = $(tab.getAttribute('aria-controls'));
    panel.setAttribute('role', 'tabpanel');
    panel.setAttribute('aria-labelledby', tab.id);
    tab.addEventListener('click', () => select(tab.dataset.view, { measure }));
  }
  // Arrow keys, Home and End move between the tabs (the ARIA tabs pattern); Tab goes into the panel.
  $('demo-tabs').addEventListener('keydown', (event) => {
    const i = VIEWS.indexOf(document.body.dataset.view);
    const to = { ArrowRight: i + 1, ArrowLeft: i - 1, Home: 0, End: VIEWS.length - 1 }[event.key];
    if (to === undefined) return;
    event.preventDefault();
    select(VIEWS[(to + VIEWS.length) % VIEWS.length], { focus: true, measure });
  });
  const asked = app.params.get('view');
  select(VIEWS.includes(asked) ? asked : 'diagram', { measure });
}
