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

/**
 * The fragment (without `#`) that carries `files` ([{name, text}]), and the
 * flavor the set was asked to be read as (`&as=diesel`), when it was.
 */
export async function encodeSet(files, flavor = null) {
  const json = new TextEncoder().encode(JSON.stringify(files.map(({ name, text }) => ({ name, text }))));
  const as = flavor ? `&as=${encodeURIComponent(flavor)}` : '';
  return `set=${toBase64Url(await pipe(json, new CompressionStream('deflate-raw')))}${as}`;
}

/**
 * What a fragment carries, for the core to read (`[{name: 'this link', bytes,
 * bundle: true}]`: the core checks it is a list of files and says what is
 * wrong), or null when it carries none. Throws on a link that does not unpack.
 */
export async function decodeSet(fragment) {
  const match = /^#?set=([A-Za-z0-9_-]+)(?:&as=([a-z-]+))?$/.exec(fragment);
  if (!match) return null;
  let bytes;
  try {
    bytes = await inflate(fromBase64Url(match[1]), MAX_SET_BYTES);
  } catch (e) {
    if (e instanceof RangeError) throw e;
    throw new Error('this link\'s migration set is damaged (it may have been cut short when it was copied)');
  }
  // The flavor travels beside the files; the core reads it (and says so if it is none).
  return [{ name: 'this link', bytes, bundle: true, flavor: match[2] ?? null }];
}
