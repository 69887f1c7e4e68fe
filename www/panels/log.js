// The log: one line per migration that ran (the core's words), and the error
// that stopped a step. The list is a scroll region the keyboard can reach.
import { $, el } from '../dom.js';

export function append(lines, failed) {
  const log = $('log');
  for (const entry of lines) log.append(el('li', { class: entry.direction, text: entry.line }));
  if (failed) log.append(el('li', { class: 'failed', text: `Failed: ${failed}` }));
  log.scrollTop = log.scrollHeight;
}

export const clear = () => $('log').replaceChildren();
