// A strict, small XML reader for tests: throws on anything not well-formed (unbalanced or
// mismatched tags, unquoted or repeated attributes, a bare `<` or `&`, an unknown entity, more
// than one root, text outside the root) and returns the element tree with entities decoded.
// Enough for the SVG badge; no DTDs, no CDATA, no processing instructions but the declaration.

export interface XmlElement { name: string; attrs: Record<string, string>; children: (XmlElement | string)[] }

const NAME = /^[A-Za-z_][\w.:-]*/;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(raw: string, where: number): string {
  if (raw.includes('<')) throw new Error(`'<' in text or attribute at ${where}`);
  return raw.replace(/&([^;]*);?/g, (m, ref: string) => {
    if (!m.endsWith(';')) throw new Error(`bare '&' at ${where}`);
    if (ref in ENTITIES) return ENTITIES[ref]!;
    const num = /^#(?:x([0-9a-fA-F]+)|([0-9]+))$/.exec(ref);
    if (!num) throw new Error(`unknown entity &${ref}; at ${where}`);
    return String.fromCodePoint(num[1] ? parseInt(num[1], 16) : Number(num[2]));
  });
}

export function parseXml(xml: string): XmlElement {
  let i = xml.startsWith('<?xml') ? xml.indexOf('?>') + 2 : 0;
  if (i === 1) throw new Error('unterminated XML declaration');
  const stack: XmlElement[] = [];
  let root: XmlElement | null = null;
  while (i < xml.length) {
    const lt = xml.indexOf('<', i);
    const text = xml.slice(i, lt === -1 ? xml.length : lt);
    if (text) {
      const decoded = decode(text, i);
      if (stack.length) stack.at(-1)!.children.push(decoded);
      else if (decoded.trim()) throw new Error(`text outside the root element at ${i}`);
    }
    if (lt === -1) break;
    if (xml.startsWith('<!--', lt)) {
      const end = xml.indexOf('-->', lt + 4);
      if (end === -1) throw new Error(`unterminated comment at ${lt}`);
      i = end + 3;
      continue;
    }
    const gt = xml.indexOf('>', lt);
    if (gt === -1) throw new Error(`unterminated tag at ${lt}`);
    i = gt + 1;
    if (xml[lt + 1] === '/') {
      const name = xml.slice(lt + 2, gt).trim();
      const open = stack.pop();
      if (!open || open.name !== name) throw new Error(`</${name}> closes <${open?.name ?? 'nothing'}> at ${lt}`);
      continue;
    }
    const selfClosing = xml[gt - 1] === '/';
    const el = openTag(xml.slice(lt + 1, selfClosing ? gt - 1 : gt), lt);
    if (stack.length) stack.at(-1)!.children.push(el);
    else if (root) throw new Error(`a second root element <${el.name}> at ${lt}`);
    else root = el;
    if (!selfClosing) stack.push(el);
  }
  if (stack.length) throw new Error(`<${stack.at(-1)!.name}> is never closed`);
  if (!root) throw new Error('no root element');
  return root;
}

function openTag(body: string, at: number): XmlElement {
  const name = NAME.exec(body)?.[0];
  if (!name) throw new Error(`bad tag name at ${at}`);
  const attrs: Record<string, string> = {};
  let rest = body.slice(name.length);
  while (rest.trim()) {
    const m = /^\s+([A-Za-z_][\w.:-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/.exec(rest);
    if (!m) throw new Error(`bad attribute in <${name}> at ${at}: ${rest.slice(0, 30)}`);
    if (m[1]! in attrs) throw new Error(`repeated attribute ${m[1]} in <${name}> at ${at}`);
    attrs[m[1]!] = decode(m[2] ?? m[3]!, at);
    rest = rest.slice(m[0].length);
  }
  return { name, attrs, children: [] };
}

/** Every element of the tree, depth first. */
export function elements(el: XmlElement): XmlElement[] {
  return [el, ...el.children.flatMap((c) => (typeof c === 'string' ? [] : elements(c)))];
}

/** The text content of an element (its descendants' text, in order). */
export function textOf(el: XmlElement): string {
  return el.children.map((c) => (typeof c === 'string' ? c : textOf(c))).join('');
}
