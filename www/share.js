// A migration set in a link: its files as JSON, deflated, in base64url, in the
// URL fragment (#set=…), which browsers never send to a server.

/** Longest link fragment offered; longer sets are offered as a file instead. */
export const MAX_LINK_CHARS = 60_000;
/**
 * The most bytes a link's set may unpack to: the core's limit for a whole set
 * (64 MiB). Decompression stops as soon as it passes it, so a deflate bomb
 * (1.9 MB that would unpack to 1.4 GiB) is refused after 64 MiB, not held whole.
 */
export const MAX_SET_BYTES = 64 * 1024 * 1024;

async function pipe(bytes, stream) {
  return new Uint8Array(await new Response(new Blob([bytes]).stream().pipeThrough(stream)).arrayBuffer());
}

/** `bytes` inflated, or an error once more than `limit` bytes have come out. */
async function inflate(bytes, limit) {
  const reader = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate-raw')).getReader();
  const chunks = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > limit) {
      await reader.cancel();
      throw new RangeError(`this link's migration set is too large: it unpacks to more than ${limit} bytes`);
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) { out.set(c, at); at += c.length; }
  return out;
}

function toBase64Url(bytes) {
  let binary = '';
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
}

function fromBase64Url(text) {
  const binary = atob(text.replaceAll('-', '+').replaceAll('_', '/'));
  return Uint8Array.from(binary, (c) => c.charCodeAt(0));
}

/** The fragment (without `#`) that carries `files` ([{name, text}]). */
export async function encodeSet(files) {
  const json = new TextEncoder().encode(JSON.stringify(files.map(({ name, text }) => ({ name, text }))));
  return `set=${toBase64Url(await pipe(json, new CompressionStream('deflate-raw')))}`;
}

/**
 * Checks that `items` is a list of `{name, text}` (a link's payload or a
 * `.migraplay.json` file) and returns it; otherwise throws naming the item
 * (`where`: "this link", or the file's name).
 */
export function setItems(items, where) {
  if (!Array.isArray(items)) throw new Error(`${where} does not carry a migration set (not a list of files)`);
  items.forEach((item, i) => {
    const named = item && typeof item.name === 'string' ? ` (${item.name})` : '';
    if (!item || typeof item !== 'object' || typeof item.name !== 'string') {
      throw new Error(`${where}: item ${i + 1} has no file name`);
    }
    if (typeof item.text !== 'string') throw new Error(`${where}: item ${i + 1}${named} has no text`);
  });
  return items.map(({ name, text }) => ({ name, text }));
}

/** The files a fragment carries, or null when it carries none. Throws on a damaged link. */
export async function decodeSet(fragment) {
  const match = /^#?set=([A-Za-z0-9_-]+)$/.exec(fragment);
  if (!match) return null;
  let files;
  try {
    const json = await inflate(fromBase64Url(match[1]), MAX_SET_BYTES);
    files = JSON.parse(new TextDecoder().decode(json));
  } catch (e) {
    if (e instanceof RangeError) throw e;
    throw new Error('this link\'s migration set is damaged (it may have been cut short when it was copied)');
  }
  return setItems(files, 'this link');
}
