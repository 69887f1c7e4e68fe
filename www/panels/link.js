// Shared links: a link's set never replaces saved work without asking. Opened
// where nothing is saved yet, it loads at once; otherwise (and whenever a new
// #set= arrives in an open tab) the page offers it: in a new playground, here
// in place of this one, or not now.
import { $, el } from '../dom.js';
import { decodeSet } from '../share.js';
import * as workspaces from '../workspaces.js';
import * as database from './database.js';
import { setAble, onClick } from '../controls.js';

/** Takes the link out of the address bar (a reload must not offer it again). */
export function forget() {
  window.history.replaceState(null, '', location.pathname + location.search);
}

function close() {
  $('link-offer').hidden = true;
  $('link-offer').replaceChildren();
  forget();
}

/** Offers the set a link carries (`files`: what decodeSet returned). */
export function offer(app, files) {
  const box = $('link-offer');
  // Like every button: while the page is busy they say so, and the offer stays.
  const button = (text, action, cls = 'secondary') => {
    const b = el('button', { type: 'button', class: cls, text });
    onClick(app, b, action);
    return b;
  };
  const inNew = button('Open it in a new playground', async () => {
    close();
    await database.switchTo(app, workspaces.newId(), { link: files, label: 'Open the shared set' });
  }, '');
  const here = button('Replace this playground with it', async () => {
    const reply = await app.run('load', 'Open the shared set', [files, files[0]?.flavor ?? null, 'link']);
    if (reply.ok) close();
  });
  const notNow = button('Not now', close);
  box.replaceChildren(
    el('p', { text: 'This link carries a migration set. '
      + 'Your playground here (its set and its database) is saved; opening the link here would replace it.' }),
    inNew, ' ', here, ' ', notNow);
  box.hidden = false;
  update(app);
  inNew.focus();
}

export function update(app) {
  for (const b of $('link-offer').querySelectorAll('button')) setAble(app, b, true);
}

export function wire(app) {
  window.addEventListener('hashchange', async () => {
    if (app.demo) return;
    let files;
    try {
      files = await decodeSet(location.hash);
    } catch (e) {
      app.showError(e.message);
      return;
    }
    if (files) offer(app, files);
  });
}
