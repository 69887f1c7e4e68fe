// A migration set in a link: its files as JSON, deflated, in base64url, in the
// URL fragment (#set=…), which browsers never send to a server.

/** Longest link fragment offered; longer sets are offered as a file instead. */
export const MAX_LINK_CHARS = 60_000;

async function pipe(bytes, stream) {
  return new Uint8Array(await new Response(new Blob([bytes]).stream().pipeThrough(stream)).arrayBuffer());
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

/** The files a fragment carries, or null when it carries none. Throws on a damaged link. */
export async function decodeSet(fragment) {
  const match = /^#?set=([A-Za-z0-9_-]+)$/.exec(fragment);
  if (!match) return null;
  let files;
  try {
    const json = await pipe(fromBase64Url(match[1]), new DecompressionStream('deflate-raw'));
    files = JSON.parse(new TextDecoder().decode(json));
  } catch {
    throw new Error('this link\'s migration set is damaged (it may have been cut short when it was copied)');
  }
  if (!Array.isArray(files) || !files.every((f) => typeof f.name === 'string' && typeof f.text === 'string')) {
    throw new Error('this link does not carry a migration set');
  }
  return files;
}
