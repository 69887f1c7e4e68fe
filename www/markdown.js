// Renders the Markdown that migraplay's report uses (headings, lists, code
// blocks, **bold**, `code`, rules) as DOM nodes. Text is only ever set with
// text nodes, so nothing in a report can become HTML.

function inline(parent, text) {
  const pattern = /(\\[\\`*\[\]<>|~_&]|\*\*[^*]+\*\*|`[^`]+`)/g;
  let last = 0;
  for (const match of text.matchAll(pattern)) {
    parent.append(text.slice(last, match.index));
    const token = match[0];
    last = match.index + token.length;
    if (token.startsWith('\\')) { // an escaped character is itself
      parent.append(token.slice(1));
      continue;
    }
    const node = document.createElement(token.startsWith('**') ? 'strong' : 'code');
    node.textContent = token.startsWith('**') ? token.slice(2, -2) : token.slice(1, -1);
    parent.append(node);
  }
  parent.append(text.slice(last));
  return parent;
}

export function renderMarkdown(markdown) {
  const root = document.createDocumentFragment();
  const lines = markdown.split('\n');
  let lists = []; // stack of [indent, ul]
  let paragraph = null;
  const closeBlocks = () => { lists = []; paragraph = null; };
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (line.startsWith('```')) {
      closeBlocks();
      const pre = document.createElement('pre');
      const body = [];
      for (i++; i < lines.length && !lines[i].startsWith('```'); i++) body.push(lines[i]);
      pre.textContent = body.join('\n');
      root.append(pre);
      continue;
    }
    const heading = /^(#{1,6}) (.*)$/.exec(line);
    if (heading) {
      closeBlocks();
      root.append(inline(document.createElement(`h${Math.min(heading[1].length + 2, 6)}`), heading[2]));
      continue;
    }
    const item = /^( *)- (.*)$/.exec(line);
    if (item) {
      paragraph = null;
      const indent = item[1].length;
      while (lists.length && lists[lists.length - 1][0] > indent) lists.pop();
      if (!lists.length || lists[lists.length - 1][0] < indent) {
        const ul = document.createElement('ul');
        const parent = lists.length ? lists[lists.length - 1][1].lastElementChild : root;
        (parent || root).append(ul);
        lists.push([indent, ul]);
      }
      lists[lists.length - 1][1].append(inline(document.createElement('li'), item[2]));
      continue;
    }
    if (line.trim() === '---') {
      closeBlocks();
      root.append(document.createElement('hr'));
      continue;
    }
    if (line.trim() === '') {
      closeBlocks();
      continue;
    }
    lists = [];
    if (!paragraph) {
      paragraph = document.createElement('p');
      root.append(paragraph);
    } else {
      paragraph.append(' ');
    }
    inline(paragraph, line);
  }
  return root;
}
