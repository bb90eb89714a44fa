// A small, tolerant XML reader for GPX and TCX: Node has no DOMParser, and these formats need
// elements, attributes and text only. Namespace prefixes are dropped (gpxtpx:hr → hr), comments,
// processing instructions and DOCTYPEs skipped, CDATA kept as text. Malformed nesting is closed
// leniently rather than refused: apps write odd files, and the runs inside still count.

/** One element: local name, attributes (local names), children and its own text. */
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  text: string;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeEntities(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(#x[0-9a-f]+|#\d+|\w+);/gi, (whole, body: string) => {
    if (body[0] === '#') {
      const code = body[1] === 'x' || body[1] === 'X' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
      return Number.isFinite(code) && code >= 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
    }
    return ENTITIES[body] ?? whole;
  });
}

const localName = (name: string): string => name.slice(name.indexOf(':') + 1);
const MAX_DEPTH = 64;

function parseAttrs(source: string): Record<string, string> {
  const attrs: Record<string, string> = {};
  for (const match of source.matchAll(/([\w:.-]+)\s*=\s*("([^"]*)"|'([^']*)')/g)) {
    attrs[localName(match[1]!)] = decodeEntities(match[3] ?? match[4] ?? '');
  }
  return attrs;
}

/** Parses XML text into a tree under a synthetic root named "#document"; never throws. */
export function parseXml(text: string): XmlElement {
  const root: XmlElement = { name: '#document', attrs: {}, children: [], text: '' };
  const stack: XmlElement[] = [root];
  let at = 0;
  while (at < text.length) {
    const open = text.indexOf('<', at);
    const top = stack[stack.length - 1]!;
    if (open < 0) {
      top.text += decodeEntities(text.slice(at));
      break;
    }
    if (open > at) top.text += decodeEntities(text.slice(at, open));
    if (text.startsWith('<!--', open)) {
      const end = text.indexOf('-->', open + 4);
      at = end < 0 ? text.length : end + 3;
    } else if (text.startsWith('<![CDATA[', open)) {
      const end = text.indexOf(']]>', open + 9);
      top.text += text.slice(open + 9, end < 0 ? text.length : end);
      at = end < 0 ? text.length : end + 3;
    } else if (text[open + 1] === '?' || text[open + 1] === '!') {
      const end = text.indexOf('>', open);
      at = end < 0 ? text.length : end + 1;
    } else {
      const end = text.indexOf('>', open);
      if (end < 0) break;
      const tag = text.slice(open + 1, end);
      at = end + 1;
      if (tag.startsWith('/')) {
        const name = localName(tag.slice(1).trim());
        // Close up to the matching element; a stray closing tag is ignored.
        const index = stack.findLastIndex((e) => e.name === name);
        if (index > 0) stack.length = index;
        continue;
      }
      const selfClosing = tag.endsWith('/');
      const body = selfClosing ? tag.slice(0, -1) : tag;
      const space = body.search(/\s/);
      const name = localName(space < 0 ? body : body.slice(0, space));
      const element: XmlElement = { name, attrs: space < 0 ? {} : parseAttrs(body.slice(space)), children: [], text: '' };
      top.children.push(element);
      // GPX and TCX nest about ten deep; a hostile file nesting deeper is flattened, so closing
      // tags and the tree walks below stay cheap and shallow.
      if (!selfClosing && stack.length < MAX_DEPTH) stack.push(element);
    }
  }
  return root;
}

/** The first child named `name`. */
export const child = (element: XmlElement | undefined, name: string): XmlElement | undefined => element?.children.find((c) => c.name === name);

/** Every child named `name`. */
export const childrenNamed = (element: XmlElement | undefined, name: string): XmlElement[] => element?.children.filter((c) => c.name === name) ?? [];

/** Every descendant named `name`, in document order. */
export function descendants(element: XmlElement, name: string, out: XmlElement[] = []): XmlElement[] {
  for (const c of element.children) {
    if (c.name === name) out.push(c);
    descendants(c, name, out);
  }
  return out;
}

/** The trimmed text of a child, if any. */
export const childText = (element: XmlElement | undefined, name: string): string | undefined => {
  const text = child(element, name)?.text.trim();
  return text === undefined || text === '' ? undefined : text;
};

/** A child's text as a finite number, if it is one. */
export const childNumber = (element: XmlElement | undefined, name: string): number | undefined => {
  const text = childText(element, name);
  const value = text === undefined ? NaN : Number(text);
  return Number.isFinite(value) ? value : undefined;
};
