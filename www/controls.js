// Buttons that say why they cannot act. A button that cannot act now keeps
// its focus and its place in the tab order (aria-disabled, not disabled), so
// focus never falls to the page while an action runs; clicking it says why.

/**
 * Sets whether `button` can act: `can` is the core's `{ok, why}` (or a plain
 * boolean); while the page is busy nothing can act, and the reason says so.
 * `needsView: false` for a button that acts even when the page did not start.
 */
export function setAble(app, button, can = true, { needsView = true } = {}) {
  const { ok, why } = typeof can === 'boolean' ? { ok: can, why: null } : can;
  const reason = needsView && !app.view && !app.busy ? 'the page did not start; Reset everything starts over'
    : app.busy ? `wait until “${app.busy}” is done` : ok ? null : why || 'not now';
  button.setAttribute('aria-disabled', String(reason !== null));
  button.dataset.why = reason ?? '';
  if (!('title' in button.dataset)) button.dataset.title = button.title;
  button.title = reason ? `Not now: ${reason}` : button.dataset.title;
}

/** Runs `action` on click, unless the button cannot act: then the progress line says why. */
export function onClick(app, button, action) {
  button.addEventListener('click', (event) => {
    if (button.getAttribute('aria-disabled') === 'true') {
      event.preventDefault();
      app.setProgress(`${button.textContent.trim()}: not now, ${button.dataset.why}.`);
      return;
    }
    action(event);
  });
}
