// Saves the loaded set and the database in IndexedDB, so both survive a
// reload. IndexedDB (not OPFS) because it works in every context the page
// runs in, iframes included, and a migration playground's database is small
// enough to save whole (sqlite3_serialize) after each action.

const DB_NAME = 'migraplay';
const STORE = 'state';
const KEY = 'current';

// Reading never creates the database (the demo view must leave no trace);
// only saving does.
function open(create) {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(DB_NAME, 1);
    request.onupgradeneeded = () => {
      if (create) request.result.createObjectStore(STORE);
      else request.transaction.abort();
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

async function transact(mode, action) {
  const db = await open(mode === 'readwrite');
  try {
    return await new Promise((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const request = action(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(request.result);
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}

/** The saved `{source, files, database}`, or undefined. */
export const load = () => transact('readonly', (store) => store.get(KEY)).catch(() => undefined);
/** Saves `{source, files, database}`. */
export const save = (state) => transact('readwrite', (store) => store.put(state, KEY));
/** Forgets what was saved. */
export const clear = () => transact('readwrite', (store) => store.delete(KEY));
