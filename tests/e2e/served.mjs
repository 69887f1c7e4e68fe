// The built page served as `make serve` serves it, and the headless Chromium that loads it:
// one place for what the end-to-end tests (harness.mjs), `make bench` (tests/bench/bench.mjs)
// and `make dist`'s first screen (.ci/prerender.mjs) each start. It imports no browser
// library: the callers load playwright-core (from here or by path) and pass its `chromium`.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';

/** Starts `migraplay serve` (the binary `bin`) on a free port for `root`; resolves to `{base, server}` once it listens. */
export async function serve(bin, root) {
  const port = await new Promise((resolve, reject) => {
    const probe = createServer();
    probe.listen(0, '127.0.0.1', () => { const { port: free } = probe.address(); probe.close(() => resolve(free)); });
    probe.on('error', reject);
  });
  const server = spawn(bin, ['serve', '--port', String(port), '--root', root], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((resolve, reject) => {
    server.stdout.on('data', (d) => { if (String(d).includes('Serving')) resolve(); });
    server.on('exit', (code) => reject(new Error(`migraplay serve exited with ${code}`)));
  });
  return { base: `http://127.0.0.1:${port}/`, server };
}

/** Debian's Chromium (or $CHROMIUM), headless, without what a test run does not need. */
export const launch = (chromium) => chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
    '--disable-component-update', '--disable-sync', '--no-first-run'],
});
