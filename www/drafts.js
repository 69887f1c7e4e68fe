// Text typed and not saved yet (the file editor's draft, the console's SQL),
// kept per playground so that a reload loses none of it. It goes to
// localStorage (app.prefs), not to IndexedDB beside the playground, because
// localStorage writes synchronously: the last keystrokes are written as the
// page goes away (pagehide, beforeunload), where an IndexedDB transaction
// started then may never finish. While typing, writes wait for a pause.
// Where the browser refuses to keep a text (storage denied, quota), leaving
// the page asks first (beforeunload); otherwise it never does.

/** How long typing must pause before the text is written. */
const PAUSE_MS = 300;

const keepers = new Set();

/**
 * A keeper of one text at a time, under a key chosen at each write (the
 * playground's). `keep(key, value)` writes after a pause; `null` forgets.
 * `onRefused(refused)` hears when the browser starts or stops refusing.
 */
export function keeper(prefs, { onRefused = () => {} } = {}) {
  let pending = null; // [key, value]
  let timer = null;
  let refused = false;
  const keeper = {
    /** Keeps `value` (null: nothing) under `key` after a pause in typing. */
    keep(key, value) {
      pending = [key, value];
      clearTimeout(timer);
      timer = setTimeout(keeper.flush, PAUSE_MS);
    },
    /** Writes what waits now; returns whether the text is kept. */
    flush() {
      clearTimeout(timer);
      timer = null;
      if (!pending) return !refused;
      const [key, value] = pending;
      pending = null;
      const was = refused;
      if (value === null) {
        prefs.remove(key);
        refused = false;
      } else {
        refused = !prefs.set(key, value);
        // An older text left under the key would come back after a reload as if it were the last.
        if (refused) prefs.remove(key);
      }
      if (refused !== was) onRefused(refused);
      return !refused;
    },
    /** Forgets `key` at once, and what waited to be written. */
    drop(key) {
      pending = [key, null];
      keeper.flush();
    },
    /** Whether what is typed would be lost by a reload (the browser refused to keep it). */
    refused: () => refused,
  };
  keepers.add(keeper);
  return keeper;
}

const flushAll = () => { for (const k of keepers) k.flush(); };

addEventListener('pagehide', flushAll);
document.addEventListener('visibilitychange', () => { if (document.visibilityState === 'hidden') flushAll(); });
addEventListener('beforeunload', (event) => {
  flushAll();
  if ([...keepers].some((k) => k.refused())) {
    event.preventDefault();
    event.returnValue = ''; // what older browsers need to ask
  }
});

/**
 * A short fingerprint of `text` (its length and a 53-bit hash, cyrb53): a
 * draft keeps this of the file it started from, not the file again, which
 * would halve the text localStorage can keep.
 */
export function fingerprint(text) {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return `${text.length}:${(4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36)}`;
}
