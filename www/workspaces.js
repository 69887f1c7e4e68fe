// Which saved playground this tab works on. Each tab holds a Web Lock named
// after its playground for as long as it is open, so two tabs never work on
// (and save over) the same one: a new tab takes the most recently saved
// playground no other tab holds, or starts a new one. A reload keeps the
// tab's playground (its id is in sessionStorage, which a reload keeps).
import * as storage from './storage.js';

const LOCK = 'migraplay-playground-';
const KEY = 'migraplay-playground';

const session = {
  get() { try { return sessionStorage.getItem(KEY); } catch { return null; } },
  set(id) { try { sessionStorage.setItem(KEY, id); } catch { /* storage denied */ } },
};

let held = null; // {id, release}

/** The ids of playgrounds other tabs hold now. */
async function heldElsewhere() {
  if (!navigator.locks) return new Set();
  const { held: locks } = await navigator.locks.query();
  return new Set(locks.map((l) => l.name).filter((n) => n.startsWith(LOCK)).map((n) => n.slice(LOCK.length))
    .filter((id) => id !== held?.id));
}

/**
 * Takes the lock of playground `id`; false when another tab holds it. `waitMs`
 * waits that long for it (a reloading tab's lock is released as its old page
 * goes away, which may be a moment after the new page asks).
 */
function lock(id, waitMs = 0) {
  if (!navigator.locks) return Promise.resolve(true);
  const options = waitMs > 0 && typeof AbortSignal.timeout === 'function'
    ? { signal: AbortSignal.timeout(waitMs) } : { ifAvailable: true };
  return new Promise((resolve) => {
    navigator.locks.request(LOCK + id, options, (granted) => {
      if (!granted) {
        resolve(false);
        return undefined;
      }
      // Held until released (or the tab closes).
      return new Promise((release) => {
        held = { id, release };
        resolve(true);
      });
    }).catch(() => resolve(false));
  });
}

export const newId = () => `p-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`;

/**
 * Picks and locks this tab's playground: the one it had before a reload, else
 * the most recently saved one no other tab holds, else a new one. Returns
 * `{id, fresh}`, `fresh` when the playground is new (nothing is saved under
 * it). `saved` is the list of saved playgrounds (`storage.list()`), when the
 * caller asked for it already. The note that a playground was opened
 * (`touch`) is not waited for: only the next tab's start reads it.
 */
export async function claim(saved = storage.list()) {
  const mine = session.get();
  if (mine && await lock(mine, 1000)) {
    storage.touch(mine).catch(() => {}); // only the next tab's choice reads it
    return { id: mine, fresh: false };
  }
  const list = await saved;
  // Which locks other tabs hold matters only when there is a saved playground to take.
  const busy = list.length ? await heldElsewhere() : new Set();
  for (const { id } of list) {
    if (!busy.has(id) && await lock(id)) {
      session.set(id);
      storage.touch(id).catch(() => {}); // only the next tab's choice reads it
      return { id, fresh: false };
    }
  }
  const id = newId();
  await lock(id);
  session.set(id);
  return { id, fresh: true };
}

/** Switches this tab to playground `id`; false (keeping the current one) when another tab holds it. */
export async function switchTo(id) {
  const previous = held;
  if (previous?.id === id) return true;
  if (!await lock(id)) return false;
  previous?.release();
  session.set(id);
  await storage.touch(id);
  return true;
}

/** This tab's playground id. */
export const current = () => held?.id ?? null;

/** Every saved playground, each with `here` (this tab's) and `elsewhere` (another tab's). */
export async function all() {
  const busy = await heldElsewhere();
  return (await storage.list()).map((p) => ({ ...p, here: p.id === held?.id, elsewhere: busy.has(p.id) }));
}

/** Forgets a saved playground that no tab holds. */
export async function forget(id) {
  if ((await heldElsewhere()).has(id) || id === held?.id) return false;
  await storage.remove(id);
  return true;
}

