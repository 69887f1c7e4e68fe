// Saved playgrounds in IndexedDB: each is a set and its database, kept under
// its own id, so that every tab works on its own playground and no tab's save
// can overwrite another's. IndexedDB (not OPFS) because it works in every
// context the page runs in, iframes included, and a playground's database is
// small enough to save whole (sqlite3_serialize) after each action.
//
// Store `state`: id -> {source, files, database} (what the worker restores).
// Store `meta`: id -> {id, summary, savedAt} (what the list of playgrounds shows,
// read without loading any database).

const DB_NAME = 'migraplay';
const VERSION = 2;

// Reading never creates the database (the demo view must leave no trace);
// only saving does. Version 1 had the `state` store alone, with one key
// (`current`): it is kept, and listed as a playground like any other.
function open(create) {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, VERSION);
    request.onupgradeneeded = (event) => {
      if (!create && event.oldVersion === 0) {
        request.transaction.abort();
        return;
      }
      const db = request.result;
      if (!db.objectStoreNames.contains('state')) db.createObjectStore('state');
      if (!db.objectStoreNames.contains('meta')) db.createObjectStore('meta');
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function transact(stores, mode, action) {
  const db = await open(mode === 'readwrite');
  try {
    return await new Promise((resolve, reject) => {
      const tx = db.transaction(stores, mode);
      let result;
      Promise.resolve(action(tx, (value) => { result = value; })).catch(reject);
      tx.oncomplete = () => resolve(result);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}

const request = (r) => new Promise((resolve, reject) => { r.onsuccess = () => resolve(r.result); r.onerror = () => reject(r.error); });

/** The saved `{source, files, database}` of playground `id`, or undefined. */
export const load = (id) => transact(['state'], 'readonly', async (tx, done) => {
  done(await request(tx.objectStore('state').get(id)));
}).catch(() => undefined);

/** Saves playground `id`; `summary` is the line the list of playgrounds shows for it. */
export const save = (id, state, summary) => transact(['state', 'meta'], 'readwrite', (tx) => {
  tx.objectStore('state').put(state, id);
  const now = Date.now();
  tx.objectStore('meta').put({ id, summary, savedAt: now, usedAt: now }, id);
});

/** Notes that playground `id` was opened now (a new tab takes the one used last). Nothing for an id never saved. */
export const touch = (id) => transact(['state', 'meta'], 'readwrite', async (tx) => {
  const meta = await request(tx.objectStore('meta').get(id));
  if (meta) tx.objectStore('meta').put({ ...meta, usedAt: Date.now() }, id);
}).catch(() => {});

/** Forgets playground `id`. */
export const remove = (id) => transact(['state', 'meta'], 'readwrite', (tx) => {
  tx.objectStore('state').delete(id);
  tx.objectStore('meta').delete(id);
});

/** Every saved playground as `{id, summary, savedAt}`, the most recently used (opened or saved) first. */
export const list = () => transact(['state', 'meta'], 'readonly', async (tx, done) => {
  const ids = await request(tx.objectStore('state').getAllKeys());
  const metas = await request(tx.objectStore('meta').getAll());
  const byId = new Map(metas.map((m) => [m.id, m]));
  done(ids.map((id) => byId.get(id) ?? { id, summary: 'A saved playground', savedAt: 0 })
    .sort((a, b) => Math.max(b.savedAt, b.usedAt ?? 0) - Math.max(a.savedAt, a.usedAt ?? 0)));
}).catch(() => []);
